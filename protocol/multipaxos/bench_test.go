package multipaxos_test

import (
	"testing"

	"github.com/paxsim/paxsim/sim"
)

// BenchmarkFaultFree runs five replicas and five clients, fault free, for
// 100 commands per iteration; it reports simulated events per second.
func BenchmarkFaultFree(b *testing.B) {
	b.ReportAllocs()
	var events int64
	for i := 0; i < b.N; i++ {
		c := newCluster(b, setup{nodes: 5, seed: uint64(i)})
		for id := 1; id <= 5; id++ {
			c.addClient(id, c.kvOps(id, 20), nil)
		}
		if !c.run(100000, func() bool { return c.clientsDone() && c.caughtUp() }) {
			b.Fatal("not done")
		}
		events += c.w.Events()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFaulty is the campaign of TestSafeAndLiveUnderFaults, one seed
// per iteration.
func BenchmarkFaulty(b *testing.B) {
	b.ReportAllocs()
	var events int64
	for i := 0; i < b.N; i++ {
		s := setup{nodes: 5, seed: uint64(i), sim: faulty(2000)}
		c, live := campaign(b, s, 3, 10, 2000, 6000)
		if !live {
			b.Fatal("not live")
		}
		events += c.w.Events()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

var _ sim.Time
