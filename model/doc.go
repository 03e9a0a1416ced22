// Package model is the exhaustive explorer's model of a protocol's real
// code, for any protocol behind engine.Protocol: a Model is an
// explore.Model whose states are Choice worlds of the protocol's replicas
// with the checkers a run has, and Check searches one within the bounds
// of a CheckConfig.
//
// What the protocol's adapter says shapes the search: its workload (a
// consensus object's proposers or a key-value service's clients, one
// request each, in flight from the start), the properties that apply, and
// through the optional engine.Explorer the
// timers a search fires (ExploreTimer), whether replicas that no client
// asks are interchangeable (Symmetric, for symmetry reduction) and the
// default depth bound (MaxDepth); a knob's engine.Knob.Explore is its
// value in the explorer.
//
// A violation's shortest path comes back as lines that replay in a
// multiset Choice world as a decision trace (trace.ReplayAll), checked to
// reproduce the violation before Check returns them.
package model
