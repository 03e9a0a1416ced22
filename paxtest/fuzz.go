package paxtest

import (
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// fuzzSeeds seed the corpus of every Fuzz target: shapes in the ranges of
// the default Options, then a few decisions.
var fuzzSeeds = [][]byte{
	{},                 // 1 replica, 1 client, 20 in-order steps
	{2, 2, 0, 0, 0, 0}, // 3 replicas, 3 clients, in order
	{2, 1, 130, 1, 3, 2, 1, 0, 2, 1, 3, 0, 0, 5}, // 3 replicas, 2 clients, every fault allowed
	{4, 4, 80, 1, 2, 2, 4, 3, 2, 1, 0, 7, 9, 11}, // 5 replicas, 5 clients
}

// Fuzz is p's native fuzz target (go test -fuzz): the fuzzer's bytes are
// the schedule, read by the Bytes decider. The first bytes pick the case's
// shape in the ranges of Properties (replicas, clients, decisions,
// whether the scheduler may drop, duplicates, crashes), the rest every
// decision of the run, one byte an index (two when there are more than
// 256 choices); past the end, every decision is the uneventful one. Faults
// then heal and the liveness phase runs, as in Properties (unless
// o.SafetyOnly), and the same properties count. A failure shows the
// violation and the decision trace, shrunk to 1-minimal; the fuzzer keeps
// the failing input in testdata/fuzz/NAME, where plain go test runs it
// again. The corpus is seeded with a few inputs (more in
// testdata/fuzz/NAME).
func Fuzz(f *testing.F, p *harness.Protocol, o Options) {
	f.Helper()
	if err := o.check(p); err != nil {
		f.Fatal(err)
	}
	for _, in := range fuzzSeeds {
		f.Add(in)
	}
	j := o.judge()
	f.Fuzz(func(t *testing.T, data []byte) {
		_, res, err := fuzzCase(p, &o, data, false)
		if err != nil {
			t.Fatalf("paxtest: %v", err)
		}
		if j.failure(&res) == nil {
			return
		}
		// The same bytes make the same run: again, with its trace.
		sh, res, _ := fuzzCase(p, &o, data, true)
		v := j.failure(&res)
		if v == nil {
			t.Fatalf("paxtest: the input failed once and passed when run again: the run is not a function of its decisions")
		}
		t.Fatal(newFinding(p, sh.Config, &res, *v, sh.String(), 0).report(t))
	})
}

// fuzzCase runs the case data describes.
func fuzzCase(p *harness.Protocol, o *Options, data []byte, record bool) (shape, engine.Result, error) {
	d := Bytes(data)
	sh := draw(bytesSource{d}, p, o)
	res, err := sh.run(p, d, record)
	return sh, res, err
}
