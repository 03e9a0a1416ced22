package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/mutants"
)

var mutantsSummary = regexp.MustCompile(`^mutants: (\d+) of (\d+) caught \(([a-z]+ \d+/\d+(, [a-z]+ \d+/\d+)*)\) in [0-9.]+s(; .*)?$`)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestMutantsCatches(t *testing.T) {
	code, out, stderr := paxsim(t, context.Background(), "mutants", "--variant", "no-promise")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, stderr, out)
	}
	if m := mutantsSummary.FindStringSubmatch(lastLine(out)); m == nil || m[1] != "1" || m[2] != "1" || m[3] != "paxos 1/1" {
		t.Errorf("last line %q", lastLine(out))
	}
	row := regexp.MustCompile(`(?m)^no-promise +paxos +promise-monotonicity +promise-monotonicity +yes +\d+ +[0-9.]+m?s +\d+ +depth \d+$`)
	if !row.MatchString(out) {
		t.Errorf("no row for no-promise:\n%s", out)
	}
	for _, want := range []string{
		"paxsim check --variant V --no-timers --crashes 1 --max-states 5000",
		"control: the correct protocol passes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	campaignReproducesTheRow(t, out)
}

// campaignReproducesTheRow checks that the campaign command mutants prints
// for paxos, run for no-promise, first fails at the seed its row counts
// to: the command is what mutants ran, not a swarm's campaign.
func campaignReproducesTheRow(t *testing.T, out string) {
	t.Helper()
	cmd := regexp.MustCompile(`(?m)^  paxos: +paxsim (campaign .*)$`).FindStringSubmatch(out)
	seeds := regexp.MustCompile(`(?m)^no-promise .* yes +(\d+) `).FindStringSubmatch(out)
	if cmd == nil || seeds == nil {
		t.Fatalf("no campaign command or seed count:\n%s", out)
	}
	n, _ := strconv.Atoi(seeds[1])
	args := append(strings.Fields(strings.Replace(cmd[1], "--variant V", "--variant no-promise", 1)),
		"--seeds", fmt.Sprint(n), "--json", "--no-shrink", "--out", t.TempDir())
	_, js, _ := paxsim(t, context.Background(), args...)
	var first float64 = -1
	for _, f := range decodeObject(t, js)["failures"].([]any) {
		if s := f.(map[string]any)["seed"].(float64); first < 0 || s < first {
			first = s
		}
	}
	if int(first) != n-1 {
		t.Errorf("%v first fails at seed %v; the row counts %d seeds", args, first, n)
	}
}

func TestMutantsSurvivorExits1(t *testing.T) {
	code, out, _ := paxsim(t, context.Background(), "mutants", "--variant", "count-duplicates", "--budget", "5", "--no-explore")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if m := mutantsSummary.FindStringSubmatch(lastLine(out)); m == nil || m[1] != "0" || m[5] != "; survived: count-duplicates" {
		t.Errorf("last line %q", lastLine(out))
	}
	if !regexp.MustCompile(`(?m)^count-duplicates .* NO +>5 `).MatchString(out) {
		t.Errorf("no surviving row:\n%s", out)
	}
}

func TestMutantsJSON(t *testing.T) {
	code, out, _ := paxsim(t, context.Background(), "mutants", "--protocol", "multipaxos", "--variant", "no-dedup", "--workers", "3", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	requireKeys(t, decodeObject(t, out), "start", "budget", "workers", "configs", "rows", "controls", "caught", "total", "by_protocol", "wall_seconds")
	var rep mutants.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || !rep.Rows[0].Caught || rep.Rows[0].Protocol != "multipaxos" || rep.Rows[0].Seed == nil || rep.Workers != 3 {
		t.Errorf("report: %+v", rep)
	}
}

func TestMutantsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--protocol", "raft"},
		{"--protocol", "paxos", "--variant", "no-view"},
		{"--variant", "nope"},
		{"--budget", "0"},
		{"--budget", "-3"},
		{"--workers", "-1"},
		{"--start", "18446744073709551615", "--budget", "2"},
		{"extra"},
	} {
		code, out, stderr := paxsim(t, context.Background(), append([]string{"mutants"}, args...)...)
		if code != exitUsage || out != "" || !strings.HasPrefix(stderr, "paxsim: ") {
			t.Errorf("mutants %v: exit %d, stdout %q, stderr %q; want 2 and a complaint", args, code, out, stderr)
		}
	}
}

// TestMutantsInterruptedIsIncomplete: mutants stopped before the end is
// not a pass, nor a survivor: it exits 4, like any incomplete command.
func TestMutantsInterruptedIsIncomplete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code, out, stderr := paxsim(t, ctx, "mutants", "--budget", "5", "--no-explore"); code != exitIncomplete {
		t.Errorf("exit %d, want %d\n%s%s", code, exitIncomplete, out, stderr)
	}
}
