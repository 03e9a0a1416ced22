package engine_test

import (
	"reflect"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// A Runner's run after other runs is the run a fresh Run makes: the
// memory it reuses (the checker, the replicas' progress, the coverage, the
// trace lines) starts each seed as new, across cluster sizes and
// workloads, with runs that fail and runs that record their trace.
func TestRunnerReuseIsFresh(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 60
	}
	for _, p := range protocols {
		t.Run(p.Name(), func(t *testing.T) {
			info := p.Info()
			runner := p.NewRunner()
			base := config(p.Name())
			failed := 0
			for seed := range seeds {
				c := base.Swarm(info, seed, nil)
				if seed%3 == 0 {
					c.Variant = info.Variants[int(seed/3)%len(info.Variants)].Name
				}
				opts := engine.Options{Record: seed%4 == 1}
				fresh := run(t, p, c, seed, opts)
				reused, err := runner.Run(c, seed, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(fresh, reused) {
					t.Fatalf("seed %d (%d nodes, %s): a reused runner's result differs from a fresh run's:\nfresh  %+v\nreused %+v", seed, c.Nodes, c.Variant, fresh, reused)
				}
				if fresh.Failed() {
					failed++
				}
			}
			if failed == 0 {
				t.Fatal("vacuous: no run failed")
			}
		})
	}
}

// A config error leaves a Runner as good as new.
func TestRunnerAfterAConfigError(t *testing.T) {
	runner := paxosP.NewRunner()
	c := config(paxosP.Name())
	want := run(t, paxosP, c, 7, engine.Options{})
	if _, err := runner.Run(c, 6, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	bad := c
	bad.Nodes = -1
	if _, err := runner.Run(bad, 7, engine.Options{}); err == nil {
		t.Fatal("a bad config ran")
	}
	got, err := runner.Run(c, 7, engine.Options{})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("after a config error: %v\n%+v\nwant %+v", err, got, want)
	}
}
