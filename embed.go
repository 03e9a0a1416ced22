// Package paxsim carries the files the paxsim binary ships with: the
// scenario scripts of testdata/scenarios, which package scenarios reads
// as its registry. The code lives in the packages below it: sim (the
// deterministic world), protocol (the reference Paxos), checker (the
// invariants), scenarios (runs, traces, shrinking, scenarios), campaign
// and cmd/paxsim.
package paxsim

import "embed"

// ScenarioFiles holds testdata/scenarios/*.txt.
//
//go:embed testdata/scenarios/*.txt
var ScenarioFiles embed.FS
