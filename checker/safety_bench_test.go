package checker

import (
	"fmt"
	"testing"

	"github.com/paxsim/paxsim/internal/cputime"
)

// steadyLog is the observation stream of a steady Multi-Paxos log of
// instances commands on a cluster of nodes: for each instance a client's
// invocation, the leader's proposal, every acceptor's accept and every
// learner's learn, with a new leader (a promise for every instance by each
// acceptor, then a higher ballot) every 1,000 instances.
func steadyLog(nodes, instances int) []step {
	out := make([]step, 0, instances*(2+2*nodes))
	ballot := Ballot{Round: 1, Node: 1}
	for i := 1; i <= instances; i++ {
		if i%1000 == 0 {
			ballot = Ballot{Round: ballot.Round + 1, Node: int32(1 + int(ballot.Round)%nodes)}
			for n := 1; n <= nodes; n++ {
				out = append(out, step{n, Observation{Kind: Promised, Instance: int64(i), Ballot: ballot, AllInstances: true}})
			}
		}
		v := Value(1<<32 | i)
		out = append(out, step{0, Observation{Kind: Invoked, Client: 1, Value: v}})
		out = append(out, step{int(ballot.Node), Observation{Kind: Proposed, Instance: int64(i), Ballot: ballot, Value: v}})
		for n := 1; n <= nodes; n++ {
			out = append(out, step{n, Observation{Kind: Accepted, Instance: int64(i), Ballot: ballot, Value: v}})
		}
		for n := 1; n <= nodes; n++ {
			out = append(out, step{n, Observation{Kind: Learned, Instance: int64(i), Value: v}})
		}
	}
	return out
}

// BenchmarkSafetySteadyLog feeds Safety a steady Multi-Paxos log of 5,000
// to 40,000 instances. An observation costs O(1) amortised, so ns/obs
// stays flat as the log grows (it grew linearly with the log when every
// accept scanned every vote of every instance). cpu-ns/obs divides the
// process's CPU time instead of wall time (the collector's included).
func BenchmarkSafetySteadyLog(b *testing.B) {
	for _, instances := range []int{5_000, 10_000, 20_000, 40_000} {
		b.Run(fmt.Sprintf("instances=%d", instances), func(b *testing.B) {
			stream := steadyLog(3, instances)
			b.ReportAllocs()
			cpu := cputime.Seconds()
			for b.Loop() {
				c := NewSafety(3)
				for i, s := range stream {
					c.At(int64(i), int64(i))
					c.Observe(s.node, s.o)
				}
				if v := c.Violation(); v != nil {
					b.Fatal(v)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stream)), "ns/obs")
			if cpu := cputime.Seconds() - cpu; cpu > 0 {
				b.ReportMetric(cpu*1e9/float64(b.N*len(stream)), "cpu-ns/obs")
			}
		})
	}
}
