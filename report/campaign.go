package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
)

// Campaign is a campaign's JSON summary: campaign.Summary's keys plus the
// config, with the defaults a run fills in written out, and the verdict.
type Campaign struct {
	campaign.Summary
	Config engine.Config `json:"config"`
	// Pinned lists the knobs a swarm left as Config has them.
	Pinned []string `json:"pinned,omitempty"`
	// Verdict and ExitCode are how the command ends (Statuses).
	Verdict  string `json:"verdict"`
	ExitCode int    `json:"exit_code"`
}

// SetExit records the verdict of exit code code.
func (r *Campaign) SetExit(code int) {
	r.ExitCode = code
	r.Verdict = VerdictOf(code)
}

// Shard is a shard's result: one JSON line, the campaign report and the
// shard.
type Shard struct {
	Campaign
	Shard *ShardInfo `json:"shard"`
}

// ShardInfo is what a shard's JSON line adds to the campaign summary:
// which part of which campaign it ran, and what paxsim merge needs to
// group its failures as the whole campaign would and to find its folders.
type ShardInfo struct {
	Index            uint64 `json:"index"`
	Count            uint64 `json:"count"`
	Start            uint64 `json:"start"` // the whole campaign's seeds
	Seeds            uint64 `json:"seeds"`
	MaxShrinks       int    `json:"max_shrinks"`
	NoShrink         bool   `json:"no_shrink"`
	CheckDeterminism bool   `json:"check_determinism"`
	Out              string `json:"out"` // where it wrote its failure folders
}

// FailuresShown is how many failure groups the text summary details.
const FailuresShown = 5

// CampaignText is what a campaign's text summary says besides its
// Summary: what the seeds ran, and how to run one again.
type CampaignText struct {
	Info    *engine.Info
	Config  string   // every option of the campaign's config, name=value
	Swarm   bool     // each seed drew its configuration from Config
	Pinned  []string // the knobs the swarm left as given
	Checked bool     // every seed ran twice (--check-determinism)
	// Replay is the command that runs a seed again, for a group whose
	// folder was not written.
	Replay func(seed uint64) string
	// Program is the program that replays a group's files (empty:
	// paxsim).
	Program string
}

const campaignWidth = 18

// Write is the text summary of s, without the verdict line (WriteVerdict).
func (t *CampaignText) Write(w io.Writer, s *campaign.Summary) {
	f := func(name, format string, args ...any) { field(w, campaignWidth, name, format, args...) }
	workers := "workers"
	if s.Workers == 1 {
		workers = "worker"
	}
	fmt.Fprintf(w, "campaign of seeds %d..%d on %d %s\n", s.Start, s.Start+s.Requested-1, s.Workers, workers)
	fmt.Fprintf(w, "config: %s\n", t.Config)
	if t.Swarm {
		pinned := "none"
		if len(t.Pinned) > 0 {
			pinned = strings.Join(t.Pinned, ", ")
		}
		fmt.Fprintf(w, "swarm: each seed draws %s from the config above; pinned: %s\n", swarmKnobs(t.Info), pinned)
	}
	switch {
	case s.Hang != nil:
		fmt.Fprintf(w, "STOPPED at seed %d, which hangs, after %d of %d seeds: the figures below cover the seeds that ran\n", s.Hang.Seed, s.Seeds, s.Requested)
	case s.MemoryStop:
		fmt.Fprintf(w, "STOPPED BY --max-memory after %d of %d seeds (its heap passed the cap): the figures below cover the seeds that ran\n", s.Seeds, s.Requested)
	case s.Interrupted:
		fmt.Fprintf(w, "INTERRUPTED after %d of %d seeds: the figures below cover the seeds that ran\n", s.Seeds, s.Requested)
	}
	f("seeds run", "%d", s.Seeds)
	if s.Violations == 0 {
		f("violations", "none")
	} else {
		f("violations", "%d seeds (%s)", s.Violations, Counts(s.ByProperty))
	}
	t.writeHang(w, f, s.Hang)
	t.writeGroups(w, f, s)
	writeTriage(w, f, s.Triage)
	t.writeFigures(w, f, s)
	f("spec coverage", "%s", strings.TrimPrefix(SpecCoverage(s), "spec coverage: "))
	fmt.Fprintf(w, "faults:\n")
	for _, name := range slices.Sorted(maps.Keys(s.Faults)) {
		fmt.Fprintf(w, "  %-18s %d\n", name, s.Faults[name])
	}
	writeCoverage(w, s)
}

// writeHang reports the seed whose run hung: where its goroutine was
// stuck, and how to run it again.
func (t *CampaignText) writeHang(w io.Writer, f func(name, format string, args ...any), h *campaign.Hang) {
	if h == nil {
		return
	}
	f("hang", "seed %d took no step for %.0fs of wall time, after %d steps: protocol code loops forever or blocks", h.Seed, h.Seconds, h.Steps)
	fmt.Fprintf(w, "    replay:     %s\n", t.Replay(h.Seed))
	writeStack(w, h.Stack)
}

// writeStack writes the stack of a goroutine stuck in protocol code, if
// the watchdog found it.
func writeStack(w io.Writer, stack string) {
	if stack == "" {
		return
	}
	fmt.Fprintf(w, "    stuck in:\n")
	for line := range strings.Lines(stack) {
		fmt.Fprintf(w, "      %s", line)
	}
	fmt.Fprintln(w)
}

// writeGroups lists the first failure groups.
func (t *CampaignText) writeGroups(w io.Writer, f func(name, format string, args ...any), s *campaign.Summary) {
	if len(s.Groups) > 0 {
		f("failure groups", "%d", len(s.Groups))
	}
	for i := range s.Groups {
		if i == FailuresShown {
			fmt.Fprintf(w, "  ... and %d more groups\n", len(s.Groups)-FailuresShown)
			break
		}
		t.writeGroup(w, &s.Groups[i])
	}
}

// writeFigures is the campaign's figures: events, time, rates, why the
// runs stopped, what the clients got, the hash and the determinism check.
func (t *CampaignText) writeFigures(w io.Writer, f func(name, format string, args ...any), s *campaign.Summary) {
	f("events", "%d", s.Events)
	if s.ShrinkSeconds > 0 {
		f("wall time", "%.2fs (recording and shrinking failures took %.2fs of it)", s.WallSeconds, s.ShrinkSeconds)
	} else {
		f("wall time", "%.2fs", s.WallSeconds)
	}
	f("throughput", "%.0f events/s, %.0f seeds/s", s.EventsPerSecond, s.SeedsPerSecond)
	f("stops", "%s", Counts(s.Stops))
	f("liveness judged", "%d of %d runs", s.LivenessChecked, s.Seeds)
	if sv := s.Service; sv != nil {
		f("operations", "%d of %d answered", sv.Answered, sv.Operations)
		if t.Info.Workload.Reconfig {
			f("committed", "%d key-value commands; %d reconfigurations of %d asked", sv.Commands, sv.Reconfigs, sv.ReconfigsInvoked)
		} else {
			f("committed", "%d key-value commands", sv.Commands)
		}
		f("log", "%d instances applied; every replica of the core applied the whole log in %d of %d runs", sv.Instances, sv.CaughtUp, s.Seeds)
	} else {
		f("value chosen", "%d of %d runs", s.Decided, s.Seeds)
	}
	f("linearizable", "%s", Counts(s.Linearizability))
	f("campaign hash", "%s", s.CampaignHash)
	switch {
	case len(s.Nondeterministic) > 0:
		f("nondeterministic", "%d seeds", len(s.Nondeterministic))
		for _, d := range s.Nondeterministic {
			fmt.Fprintf(w, "  seed %d: %s\n", d.Seed, strings.ReplaceAll(d.Detail, "\n", "\n  "))
		}
	case t.Checked && s.Interrupted:
		f("nondeterministic", "none in this process; not run in another, as the campaign was interrupted")
	case t.Checked:
		f("nondeterministic", "none: every seed ran twice here and once more in another process, to the same trace and verdicts")
	default:
		f("nondeterministic", "not checked (--check-determinism runs every seed twice)")
	}
}

// writeGroup describes one failure group: its signature, seeds, the
// lowest seed's violation and where to replay it.
func (t *CampaignText) writeGroup(w io.Writer, g *campaign.Group) {
	seeds := make([]string, 0, 8)
	for i, seed := range g.Seeds {
		if i == 8 {
			seeds = append(seeds, fmt.Sprintf("... (%d in all)", len(g.Seeds)))
			break
		}
		seeds = append(seeds, fmt.Sprint(seed))
	}
	label := ""
	if g.Triage != "" {
		label = " [" + string(g.Triage) + "]"
	}
	fmt.Fprintf(w, "  %s%s: %d seeds: %s\n", g.Signature, label, len(g.Seeds), strings.Join(seeds, " "))
	soonest := ""
	if g.Representative != g.Seeds[0] {
		soonest = " (the soonest to fail)"
	}
	fmt.Fprintf(w, "    seed %d%s: %s\n", g.Representative, soonest, g.Message)
	if g.StepsAfter > 0 {
		fmt.Fprintf(w, "    shrunk:     %d steps to %d\n", g.StepsBefore, g.StepsAfter)
	}
	switch {
	case g.DirError != "":
		fmt.Fprintf(w, "    folder:     not written: %s\n", g.DirError)
		fmt.Fprintf(w, "    replay:     %s\n", t.Replay(g.Representative))
	case g.Dir == "":
		fmt.Fprintf(w, "    replay:     %s\n", t.Replay(g.Representative))
	default:
		fmt.Fprintf(w, "    folder:     %s\n", g.Dir)
		file := filepath.Join(g.Dir, fmt.Sprintf("seed-%d.json", g.Representative)) // not recorded
		switch {
		case g.StepsAfter > 0:
			file = filepath.Join(g.Dir, "shrunk.trace")
		case g.StepsBefore > 0:
			file = filepath.Join(g.Dir, fmt.Sprintf("seed-%d.trace", g.Representative))
		}
		fmt.Fprintf(w, "    replay:     %s replay %s\n", cmp.Or(t.Program, "paxsim"), ShellQuote(file))
		if g.Hang != nil && g.StepsBefore > 0 {
			fmt.Fprintf(w, "    hangs:      %s replay %s\n", cmp.Or(t.Program, "paxsim"), ShellQuote(filepath.Join(g.Dir, "hang.trace")))
		}
	}
	if g.Hang != nil {
		writeStack(w, g.Hang.Stack)
	}
}

// WriteVerdict ends a text summary with the verdict and the exit code.
func WriteVerdict(w io.Writer, code int) {
	field(w, campaignWidth, "verdict", "%s (exit %d)", VerdictOf(code), code)
}

// swarmKnobs names what a swarm draws for the protocol info describes
// (engine.SwarmKnobs), in words.
func swarmKnobs(info *engine.Info) string {
	var words []string
	for _, k := range engine.SwarmKnobs(info) {
		switch k {
		case "delay":
			words = append(words, "delays")
		case "drop":
			words = append(words, "fault rates")
		case "reconfig":
			words = append(words, "reconfigurations")
		case "dup", "redeliver", "crash", "partition", "slow":
		default:
			words = append(words, k)
		}
	}
	last := len(words) - 1
	return strings.Join(words[:last], ", ") + " and " + words[last]
}

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:@/+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
