// Package tidy holds no code: its test enforces, with go/ast, the rules that
// keep a simulation deterministic in the packages that run inside one.
package tidy
