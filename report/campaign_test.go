package report_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/report"
)

// TestCampaignTextReportsAHang: a campaign stopped by a seed that hangs
// says so at the top, then gives the seed, how long its run stood still,
// a command that runs it again and the stack it is stuck in, every line
// of it.
func TestCampaignTextReportsAHang(t *testing.T) {
	s := campaign.Summary{Requested: 100, Seeds: 17, Interrupted: true, Hang: &campaign.Hang{
		Seed: 17, Seconds: 10, Steps: 250,
		Stack: "goroutine 9 [chan receive]:\nexample.com/kv.(*Node).catchUp(...)\n\t/src/kv/node.go:123 +0x1c",
	}}
	text := report.CampaignText{Info: builtin.Paxos().Info(), Replay: func(seed uint64) string { return "paxsim replay --seed 17" }}
	var b strings.Builder
	text.Write(&b, &s)
	out := b.String()
	for _, want := range []string{
		"STOPPED at seed 17, which hangs, after 17 of 100 seeds",
		"seed 17 took no step for 10s of wall time, after 250 steps: protocol code loops forever or blocks",
		"    replay:     paxsim replay --seed 17\n",
		"      example.com/kv.(*Node).catchUp(...)\n",
		"      \t/src/kv/node.go:123 +0x1c\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "INTERRUPTED") {
		t.Errorf("a hang is reported as an interrupt:\n%s", out)
	}
}

// TestCampaignTextReportsAGroupThatHungWhileShrinking: a failure group
// whose shrinking hung points at the trace that hangs and shows the stack,
// beside the usual replay of its recorded trace.
func TestCampaignTextReportsAGroupThatHungWhileShrinking(t *testing.T) {
	s := campaign.Summary{Requested: 100, Seeds: 100, Violations: 1, ByProperty: map[string]int{"agreement": 1}, Groups: []campaign.Group{{
		Signature: "agreement", Property: "agreement", Seeds: []uint64{7}, Representative: 7, StepsBefore: 40, Dir: "out/agreement",
		Message: "two values chosen (shrinking stopped: the replay of a trace it tried took no step for 10s of wall time, after 12 steps: protocol code loops or blocks on that schedule; the trace is hang.trace)",
		Hang:    &campaign.Hang{Seed: 7, Seconds: 10, Steps: 12, Stack: "goroutine 9 [chan receive]:\nexample.com/kv.(*Node).catchUp(...)"},
	}}}
	text := report.CampaignText{Info: builtin.Paxos().Info(), Program: "paxsim"}
	var b strings.Builder
	text.Write(&b, &s)
	out := b.String()
	for _, want := range []string{
		"    replay:     paxsim replay out/agreement/seed-7.trace\n",
		"    hangs:      paxsim replay out/agreement/hang.trace\n",
		"      example.com/kv.(*Node).catchUp(...)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
}
