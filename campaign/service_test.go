package campaign

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/engine"
)

func mpFaulty() engine.Config {
	c := defaultConfig()
	c.Protocol = multipaxos.Name
	c.Drop, c.Dup, c.Crash, c.Partition = 0.05, 0.02, 0.01, 0.01
	return c
}

// A campaign's service totals and linearizability counts are the sums of
// its runs', for any number of workers.
func TestCampaignSumsTheService(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func() engine.Config
	}{
		{"paxos", defaultConfig},
		{"multipaxos", mpFaulty},
		{"multipaxos, 5 nodes, frequent reconfigurations", func() engine.Config {
			c := mpFaulty()
			c.Nodes, c.Reconfig = 5, "0.05"
			return c
		}},
		{"multipaxos, a broken variant", func() engine.Config {
			c := mpFaulty()
			c.Variant = "no-dedup"
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cfg()
			const seeds = 60
			var want ServiceTotals
			lin := map[string]int{}
			for seed := uint64(10); seed < 10+seeds; seed++ {
				res, err := protocolOf(c).Run(c, seed, engine.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if res.Service != nil {
					want.add(res.Service, c.Nodes-len(res.LeftFaulty))
				}
				if res.Linearizability == "" {
					lin[Unchecked]++
				} else {
					lin[res.Linearizability]++
				}
			}
			for _, workers := range []int{1, 2, 3} {
				s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Start: 10, Seeds: seeds, Workers: workers, NoShrink: true, MaxShrinks: -1})
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case c.Protocol != multipaxos.Name && s.Service != nil:
					t.Errorf("workers %d: a single-decree campaign has service totals %+v", workers, *s.Service)
				case c.Protocol == multipaxos.Name && (s.Service == nil || *s.Service != want):
					t.Errorf("workers %d: service %+v, want %+v", workers, s.Service, want)
				}
				if len(s.Linearizability) != len(lin) {
					t.Errorf("workers %d: linearizability %v, want %v", workers, s.Linearizability, lin)
				}
				for k, n := range lin {
					if s.Linearizability[k] != n {
						t.Errorf("workers %d: linearizability %v, want %v", workers, s.Linearizability, lin)
					}
				}
			}
			if c.Protocol == multipaxos.Name && (want.Operations == 0 || want.Commands == 0 || want.Instances < want.Commands) {
				t.Errorf("totals %+v: nothing committed?", want)
			}
		})
	}
}

// An interrupted Multi-Paxos campaign that ran nothing still reports
// (zero) service totals.
func TestCampaignServiceWithoutRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Run(ctx, Options{Protocol: protocolOf(mpFaulty()), Config: mpFaulty(), Seeds: 100})
	if err != nil {
		t.Fatal(err)
	}
	if s.Service == nil || *s.Service != (ServiceTotals{}) || s.Seeds != 0 {
		t.Errorf("seeds %d, service %+v; want 0 and zero totals", s.Seeds, s.Service)
	}
}

// Reproducers carry the effective configuration, and still replay the
// same run.
func TestMultiPaxosReproducerHasEffectiveConfig(t *testing.T) {
	c := mpFaulty()
	c.Variant = "no-dedup"
	dir := t.TempDir()
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 40, Workers: 2, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Failures) == 0 {
		t.Fatal("no-dedup failed no seed of 40")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if len(files) != len(s.Failures) {
		t.Fatalf("%d reproducers for %d failures", len(files), len(s.Failures))
	}
	for _, f := range files {
		rep, err := readReproducer(f)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Config.Clients != 3 || rep.Config.Commands != 4 || rep.Config.Reconfig != "0.005" {
			t.Errorf("%s: clients %d commands %d reconfig %q, want 3 4 0.005", f, rep.Config.Clients, rep.Config.Commands, rep.Config.Reconfig)
		}
		res, err := protocolOf(rep.Config).Run(rep.Config, rep.Seed, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if FormatHash(res.TraceHash) != rep.TraceHash || res.Events != rep.Events || string(res.Violations[0].Property) != rep.Property {
			t.Errorf("%s does not reproduce: %s after %d events, recorded %s after %d", f, FormatHash(res.TraceHash), res.Events, rep.TraceHash, rep.Events)
		}
	}
}
