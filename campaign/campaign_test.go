package campaign

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
)

func faulty() engine.Config {
	c := defaultConfig()
	c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.01
	return c
}

func TestSameHashForAnyWorkersAndGOMAXPROCS(t *testing.T) {
	run := func(workers, procs int) Summary {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Start: 100, Seeds: 400, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := run(1, 1)
	for _, tt := range []struct{ workers, procs int }{{2, 1}, {1, 2}, {2, 2}, {4, 2}} {
		s := run(tt.workers, tt.procs)
		if s.CampaignHash != base.CampaignHash || s.Events != base.Events || s.Faults["drop"] != base.Faults["drop"] {
			t.Errorf("workers=%d GOMAXPROCS=%d: hash %s events %d, want %s and %d as with one worker",
				tt.workers, tt.procs, s.CampaignHash, s.Events, base.CampaignHash, base.Events)
		}
	}
	if base.Seeds != 400 || base.Violations != 0 {
		t.Fatalf("summary %+v", base)
	}
	for _, k := range []string{"drop", "dup", "crash", "restart", "partition", "partition-oneway"} {
		if base.Faults[k] == 0 {
			t.Errorf("fault %s never happened in 400 seeds", k)
		}
	}
}

func TestVariantCampaignWritesReproducersThatReplay(t *testing.T) {
	c := faulty()
	c.Variant = "ignore-promised-values"
	dir := t.TempDir()
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 300, Workers: 2, OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s.Violations == 0 || s.ByProperty[string(checker.SafeProposal)] != s.Violations {
		t.Fatalf("violations %d by property %v: want safe-proposal failures", s.Violations, s.ByProperty)
	}
	for i := 1; i < len(s.Failures); i++ {
		if s.Failures[i-1].Seed >= s.Failures[i].Seed {
			t.Fatal("failures are not sorted by seed")
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "seed-*.json"))
	if len(files) != s.Violations {
		t.Fatalf("%d reproducers for %d failures", len(files), s.Violations)
	}
	f := s.Failures[0]
	rep, err := readReproducer(f.Reproducer)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Seed != f.Seed || rep.Config.Variant != c.Variant || rep.Property != string(checker.SafeProposal) {
		t.Fatalf("reproducer %+v does not describe failure %+v", rep, f)
	}
	res, err := protocolOf(rep.Config).Run(rep.Config, rep.Seed, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if FormatHash(res.TraceHash) != rep.TraceHash || !res.Failed() || string(res.Violations[0].Property) != rep.Property {
		t.Fatalf("replay of seed %d: hash %s property %v; reproducer says %s %s",
			rep.Seed, FormatHash(res.TraceHash), res.Violations, rep.TraceHash, rep.Property)
	}
}

func TestReadReproducerRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := NewReproducer(protocolOf(defaultConfig()).Info(), defaultConfig(), &engine.Result{Seed: 5})
	out, err := openOut(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer out.close()
	path, err := out.writeReproducer(".", good)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := readReproducer(path); err != nil || r.Seed != 5 {
		t.Fatalf("round trip: %+v, %v", r, err)
	}
	tests := []struct{ name, content, want string }{
		{"not json", "seed=5", "not a reproducer"},
		{"wrong format", `{"format":"other/9","seed":1,"config":{}}`, "format"},
		{"unknown field", `{"format":"paxsim-reproducer/2","sed":1}`, "unknown field"},
		{"bad config", strings.Replace(mustRead(t, path), `"nodes": 3`, `"nodes": -3`, 1), `config field "nodes"`},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, tt.name+".json")
		os.WriteFile(p, []byte(tt.content), 0o644)
		if _, err := readReproducer(p); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming the file and %q", tt.name, err, tt.want)
		}
	}
	if _, err := readReproducer(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func mustRead(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCancelledCampaignStillSummarizes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Run(ctx, Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 1000, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Interrupted || s.Seeds >= 1000 || s.Requested != 1000 {
		t.Fatalf("summary %+v: want an interrupted campaign", s)
	}
}

func TestCheckDeterminismOnTheRealProtocol(t *testing.T) {
	s, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 100, Workers: 2, CheckDeterminism: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Nondeterministic) != 0 {
		t.Fatalf("nondeterministic seeds: %+v", s.Nondeterministic)
	}
	if d := Diverge(protocolOf(faulty()), faulty(), 3); !strings.Contains(d, "agree event by event") {
		t.Fatalf("Diverge on a deterministic seed: %s", d)
	}
}

func TestProgressIsReported(t *testing.T) {
	var last Progress
	calls := 0
	_, err := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Seeds: 50, Workers: 1, Progress: func(p Progress) { last = p; calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last.Done != 50 || last.Total != 50 {
		t.Fatalf("last progress %+v after %d calls", last, calls)
	}
}

func TestBadConfigIsRefused(t *testing.T) {
	c := defaultConfig()
	c.Nodes = 0
	if _, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 1}); err == nil {
		t.Fatal("campaign accepted nodes=0")
	}
}

// BenchmarkCampaign measures whole seeds per second on every core.
func BenchmarkCampaign(b *testing.B) {
	var seeds, events int64
	for b.Loop() {
		s, _ := Run(context.Background(), Options{Protocol: protocolOf(faulty()), Config: faulty(), Start: uint64(seeds), Seeds: 1000})
		seeds += int64(s.Seeds)
		events += s.Events
	}
	b.ReportMetric(float64(seeds)/b.Elapsed().Seconds(), "seeds/s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
