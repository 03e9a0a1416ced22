package paxtest

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/internal/rapidseed"
)

// Options shape the schedules Properties, Find and Fuzz draw, and say
// which properties count. The zero value is a fine default.
type Options struct {
	// Variant is the protocol variant under test: "" is the correct
	// protocol (engine.Correct).
	Variant string
	// Checks is how many cases rapid runs (0: DefaultChecks). rapid's
	// -rapid.checks flag and RAPID_CHECKS override it, as they override
	// every rapid property, and -short divides it by 5, as rapid does.
	Checks int
	// MaxNodes bounds the cluster rapid draws: 1 to MaxNodes replicas
	// (0: 5).
	MaxNodes int
	// MaxSteps bounds the scheduling decisions before the heal: rapid
	// draws 20 to MaxSteps (0: 150).
	MaxSteps int
	// MaxClients and MaxCommands bound a key-value workload's clients and
	// their operations each (0: 3 and 3). A consensus workload has 1 to
	// one client per replica, each proposing once.
	MaxClients, MaxCommands int
	// Properties are the properties whose violation fails a case (nil:
	// every one). A panic of protocol code and a broken observation
	// contract always fail it: every property is moot then. Liveness
	// counts a run that ended without its liveness being judged.
	Properties []checker.Property
	// SafetyOnly ends each run with its drawn schedule: no heal and no
	// liveness phase, so liveness is not judged. A safety counterexample
	// then replays exactly, without a timed phase after it.
	SafetyOnly bool
	// Seed is rapid's seed (0: a fixed one, 1, so that go test gives the
	// same verdict on the same code every time; a random one in a long
	// run, PAXSIM_LONG=1, except for Find, whose result a test pins).
	// -rapid.seed and RAPID_SEED override it.
	Seed uint64

	// For paxsim's own tests (export_test.go): replay the committed fail
	// files only, without a search; let rapid write its fail file.
	failFilesOnly, writeFailFile bool
}

// DefaultChecks is the number of cases a property runs by default: enough
// to find a protocol's common bugs, few enough that a user's go test stays
// fast. PAXSIM_LONG=1 multiplies it, and the seeds of a Campaign, by
// LongFactor; not the budget of Find or FindInCampaign, which stop at the
// bug they expect.
const DefaultChecks = 300

// LongFactor multiplies the cases of Properties and the seeds of Campaign
// when PAXSIM_LONG=1: a nightly run.
const LongFactor = 100

// scaled is n, times LongFactor in a long run (PAXSIM_LONG=1).
func scaled(n int) int {
	if rapidseed.Long() {
		return n * LongFactor
	}
	return n
}

func (o *Options) maxNodes() int { return cmp.Or(o.MaxNodes, 5) }

// sizes is the cluster sizes a case draws among, for a protocol that
// lists its own (engine.Info.Nodes), in order, those above MaxNodes left
// out when it is set (the smallest is kept); nil for 1 to maxNodes.
func (o *Options) sizes(info *engine.Info) []int {
	if len(info.Nodes) == 0 {
		return nil
	}
	sizes := slices.Compact(slices.Sorted(slices.Values(info.Nodes)))
	if fit := slices.DeleteFunc(slices.Clone(sizes), func(n int) bool { return n > o.MaxNodes }); o.MaxNodes > 0 && len(fit) > 0 {
		return fit
	}
	if o.MaxNodes > 0 {
		return sizes[:1]
	}
	return sizes
}
func (o *Options) maxSteps() int    { return cmp.Or(o.MaxSteps, 150) }
func (o *Options) maxClients() int  { return cmp.Or(o.MaxClients, 3) }
func (o *Options) maxCommands() int { return cmp.Or(o.MaxCommands, 3) }
func (o *Options) judge() judge     { return judge{only: o.Properties, liveness: !o.SafetyOnly} }

func (o *Options) variant() string { return cmp.Or(o.Variant, engine.Correct) }

// check reports what is wrong with o for p, before any case runs.
func (o *Options) check(p *harness.Protocol) error {
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := p.Info().LookupVariant(o.variant()); err != nil {
		return err
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"Checks", o.Checks}, {"MaxNodes", o.MaxNodes}, {"MaxSteps", o.MaxSteps}, {"MaxClients", o.MaxClients}, {"MaxCommands", o.MaxCommands}} {
		if n.v < 0 {
			return fmt.Errorf("paxtest: Options.%s is %d: want a positive number, or 0 for the default", n.name, n.v)
		}
	}
	return nil
}
