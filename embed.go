// Package paxsim carries the files the paxsim binary ships with: the
// scenario scripts of testdata/scenarios, which package script reads
// as its registry (script.Builtin). The code lives in the packages below it: sim (the
// deterministic world), protocol (the reference Paxos), checker (the
// invariants), engine (runs), trace (decision traces, shrinking), script
// (scenarios), campaign, cli (the command line) and cmd/paxsim.
package paxsim

import "embed"

// ScenarioFiles holds testdata/scenarios/*.txt.
//
//go:embed testdata/scenarios/*.txt
var ScenarioFiles embed.FS
