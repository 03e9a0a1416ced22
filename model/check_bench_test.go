package model

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
)

// benchmarkCheck searches c once per iteration and reports the rate of
// distinct states found and the counts of one search.
func benchmarkCheck(b *testing.B, c CheckConfig, opts explore.Options) {
	b.Helper()
	var distinct, generated int64
	var last Report
	for b.Loop() {
		rep := mustCheck(b, paxos.Adapter{}, c, opts)
		if rep.Verdict != explore.VerdictOK || !rep.Complete {
			b.Fatalf("%s, complete %v", rep.Verdict, rep.Complete)
		}
		distinct += rep.Distinct
		generated += rep.Generated
		last = rep
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(distinct)/secs, "states/s")
	b.ReportMetric(float64(generated)/secs, "generated/s")
	b.ReportMetric(float64(last.Distinct), "distinct")
	b.ReportMetric(float64(last.Depth), "depth")
}

// BenchmarkCheck is the quick benchmark of exhaustive search of the
// protocol code: the default cluster (3 replicas, 2 proposers, a set
// network) with one ballot each and no timers, 16249 distinct states,
// about a second a search; with one worker and with every core, and with
// exact keys (whole copies of every state).
func BenchmarkCheck(b *testing.B) {
	c := DefaultCheck(&paxosInfo)
	c.MaxBallot = 1
	c.NoTimers = true
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchmarkCheck(b, c, explore.Options{Workers: w})
		})
	}
	b.Run("exact", func(b *testing.B) {
		c := smallCheck(engine.Correct, 3, 1, 1, false) // 4600 states
		benchmarkCheck(b, c, explore.Options{Exact: true})
	})
	b.Run("symmetry/nodes=4/proposers=1", func(b *testing.B) {
		c := smallCheck(engine.Correct, 4, 1, 1, true) // 416 states of 2235
		benchmarkCheck(b, c, explore.Options{Symmetry: true})
	})
}

// BenchmarkCheckPaxos is the default cluster with one ballot each and
// timers on: 317716 distinct states, 7448721 generated, depth 27, some 20
// seconds a search on one core. It runs with PAXSIM_LONG=1, so that
// `go test -bench .` stays quick:
//
//	PAXSIM_LONG=1 go test -run '^$' -bench CheckPaxos -benchtime 1x ./model
func BenchmarkCheckPaxos(b *testing.B) {
	if !longCheck() {
		b.Skip("a search of some 20 seconds: PAXSIM_LONG=1 runs it")
	}
	c := DefaultCheck(&paxosInfo)
	c.MaxBallot = 1
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchmarkCheck(b, c, explore.Options{Workers: w})
		})
	}
}

// BenchmarkCheckRestart is the restart follow-up's search of the correct
// protocol (one crash, messages to self through the network, both clients
// at replica 1, no timers), its first 30,000 states: the slow kind of
// search, each crash's successors run rather than remembered.
func BenchmarkCheckRestart(b *testing.B) {
	c := DefaultCheck(&paxosInfo)
	c.NoTimers, c.Crashes, c.NetworkSelf, c.SharedProposer = true, 1, true, true
	var distinct int64
	for b.Loop() {
		rep := mustCheck(b, paxos.Adapter{}, c, explore.Options{MaxStates: 30_000})
		if rep.Verdict != explore.VerdictOK {
			b.Fatal(rep.Verdict)
		}
		distinct += rep.Distinct
	}
	b.ReportMetric(float64(distinct)/b.Elapsed().Seconds(), "states/s")
}

// BenchmarkCheckPOR is the search of the default cluster over FIFO links
// with no timers, judging agreement and validity (5052 distinct states),
// in full and with partial-order reduction (2953).
func BenchmarkCheckPOR(b *testing.B) {
	c := fifoCheck(engine.Correct, checker.Agreement, checker.Validity)
	for _, por := range []bool{false, true} {
		b.Run(fmt.Sprintf("por=%v", por), func(b *testing.B) {
			benchmarkCheck(b, c, explore.Options{POR: por, Workers: 1})
		})
	}
}
