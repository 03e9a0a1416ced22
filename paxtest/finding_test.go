package paxtest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/paxtest"
	"github.com/paxsim/paxsim/trace"
)

// TestReportReplays: the failure message names the violation and the
// file its decision trace was written to, and that file replays to the
// same violation, as the replay verb would run it.
func TestReportReplays(t *testing.T) {
	p := builtin.Paxos()
	f := paxtest.Find(t, p, paxtest.Options{Variant: "one-ballot", SafetyOnly: true})
	if f == nil {
		t.Fatal("one-ballot passed")
	}
	msg := f.Report(t)
	path := regexp.MustCompile(`: replay (\S+) --protocol paxos`).FindStringSubmatch(msg)
	if !strings.Contains(msg, f.Violation.String()) || path == nil {
		t.Fatalf("the report lacks the violation or the replay command:\n%s", msg)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(path[1])) })
	tr, err := trace.ReadFile(path[1])
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Replay(tr, engine.Options{})
	if err != nil || !res.Failed() || res.Violations[0].Property != f.Property {
		t.Fatalf("the written trace replays to %v (%v), want %s", res.Violations, err, f.Property)
	}
}

// TestCampaignFindingReproduces: a campaign's failure names its seed and
// the flags that run it again, and its trace replays to the violation.
func TestCampaignFindingReproduces(t *testing.T) {
	p := builtin.MultiPaxos()
	f := paxtest.FindInCampaign(t, p, paxtest.CampaignOptions{Variant: "no-dedup", Properties: []checker.Property{checker.ExactlyOnce}})
	if f == nil || f.Property != checker.ExactlyOnce {
		t.Fatalf("no-dedup: want an exactly-once violation, found %v", f)
	}
	want := ": run --seed " + strconv.FormatUint(f.Seed, 10) + " --protocol multipaxos --variant no-dedup"
	if !strings.Contains(f.String(), want) {
		t.Errorf("the finding does not say %q:\n%s", want, f)
	}
	res, err := p.Replay(f.Trace, engine.Options{})
	if err != nil || !res.Failed() || res.Violations[0].Property != checker.ExactlyOnce {
		t.Fatalf("the shrunk trace replays to %v (%v)", res.Violations, err)
	}
}

// TestPCTCampaignFindingReproduces: a campaign under the PCT scheduler
// names it in the flags that run its seed again, and its shrunk trace
// replays to the violation like any other.
func TestPCTCampaignFindingReproduces(t *testing.T) {
	p := builtin.Paxos()
	f := paxtest.FindInCampaign(t, p, paxtest.CampaignOptions{Variant: "ignore-promised-values", Scheduler: engine.SchedulerPCT, PCTDepth: 2})
	if f == nil {
		t.Fatal("ignore-promised-values: no failure under PCT in the default seeds")
	}
	for _, want := range []string{"--pct-depth 2 ", "--scheduler pct "} { // pinned, not drawn
		if !strings.Contains(f.String(), want) {
			t.Errorf("the finding does not say %q:\n%s", want, f)
		}
	}
	res, err := p.Replay(f.Trace, engine.Options{})
	if err != nil || !res.Failed() || res.Violations[0].Property != f.Property {
		t.Fatalf("the shrunk trace replays to %v (%v), want %s", res.Violations, err, f.Property)
	}
}

// TestConfigFlags: a config is written as the flags that set it: those
// that differ from the defaults, by flag name, faults and protocol knobs
// last.
func TestConfigFlags(t *testing.T) {
	c := engine.Default()
	c.Protocol, c.Variant, c.Nodes, c.Clients, c.HealAt = "paxos", "none", 5, 3, 900
	c.Faults = []string{"crash:2@100-400", "partition:1,2@50-300"}
	c.Params = map[string]string{"beta": "2", "alpha": "4"}
	got := paxtest.ConfigFlags(c, engine.Workload{Kind: engine.Consensus})
	want := "--protocol paxos --variant none --proposers 3 --heal-at 900 --nodes 5 " +
		"--fault crash:2@100-400 --fault partition:1,2@50-300 --alpha 4 --beta 2"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	c.Delay, c.Drop, c.MaxEvents = "2-20", 0.125, 2_000_000
	got = paxtest.ConfigFlags(c, engine.Workload{Kind: engine.KeyValue})
	for _, flag := range []string{"--clients 3", "--delay 2-20", "--drop 0.125", "--max-events 2000000"} {
		if !strings.Contains(got, flag) {
			t.Errorf("%s lacks %s", got, flag)
		}
	}
}
