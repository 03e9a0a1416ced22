package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/mutants"
	"github.com/paxsim/paxsim/report"
)

var mutantsCmd = &command{
	name:      "mutants",
	stops:     true,
	usage:     "[--protocol NAME|all] [--variant NAME] [--budget N] [--start S] [--workers K] [--no-explore] [--time-to-find [--offsets N] [--cap N]] [--source [source flags]] [--json]",
	short:     "run every buggy variant against campaigns and the explorer: the mutation score",
	protocols: true,
	long: `Mutants runs the whole variant catalogue, every protocol's variants
('paxsim variants'), and prints, for each variant, the property it is
expected to break, the property its first failure broke, whether it was
caught, the seeds and wall time to that first failure, the length of its
shrunk decision trace, and what the explorer found.

Each variant gets a campaign of seeds S, S+1, ... on K parallel workers that
stops at its first failing seed, at most --budget seeds. The seed reported is
the lowest failing one for any number of workers. A consensus workload runs
with --drop 0.1 --dup 0.05 --crash 0.01 --partition 0.01, a key-value
service with --drop 0.05 --dup 0.02 --crash 0.01 --partition 0.01, and
both with --torn-crash 0.01 --lose-unsynced 0.01 (the header prints the
campaign command of each protocol). The first failure is
recorded and shrunk as a campaign shrinks it.

The explorer ('paxsim check') then searches every interleaving of the
protocol's default search (3 replicas, 2 clients, one ballot each), first
without timers and with one crash, then without timers with a replica's
messages to itself through the network, then with the timers, each cut at
5000 states: "depth D" is where it found a violation, "did not fit" that
the bug needs more than these bounds, "-" that it does not apply (it judges
safety only, not liveness or linearizability) or was not run.

A variant is caught when a campaign or the explorer finds a violation. Last, a
control campaign runs each correct protocol over the seeds its variants
needed: it must pass them all. The last line sums up. Exit status: 0 every
variant caught (and the controls passed), 1 a variant survived (or a control
failed), 2 bad usage, 4 interrupted (Ctrl-C or SIGTERM) before the end.

With --time-to-find it measures instead how soon each scheduler (random,
pct) finds each variant: from --offsets disjoint starting seeds (seed
i*100000), the variant's seeds one after another until the first failure,
at most --cap seeds, each search on one worker; per scheduler it prints the
median and 90th percentile of the seeds and wall milliseconds to it, the
best scheduler, and whether that one meets the goal (median <= 10 seeds,
p90 <= 100, median <= 100 ms). It exits 0 when every search ran.

--source mutates the protocol's source instead (go/ast operators: flipped
and off-by-one comparisons, negated conditions, deleted statements, sends
and persists, swapped arguments), builds every mutant into one binary with
go build -overlay, and judges each in a child process: swarm and catalogue
campaigns (--budget seeds per protocol, default 5000), then the explorer.
It reports the kill rate over the mutants that compile and are not marked
equivalent (--equivalent), and each survivor with its diff. Run it from
the module's root, with the go command on the PATH.`,
	flags: func(fs *flag.FlagSet, o *options) {
		m := &o.mutants
		o.protocols, m.budget = "all", mutants.DefaultBudget
		fs.Var((*nameValue)(&o.protocols), "protocol", "the catalogue to run: `NAME`, a protocol's, or all")
		fs.Var((*nameValue)(&o.variant), "variant", "run one `VARIANT` only")
		fs.Var(value[uint64]{&m.budget}, "budget", "at most `N` seeds per variant (at least 1)")
		fs.Var(value[uint64]{&o.start}, "start", "every campaign's first seed `S`")
		fs.Var(value[int]{&o.workers}, "workers", "`K` seeds run in parallel, and K explorer workers; 0 means one per CPU (runtime.NumCPU)")
		fs.BoolVar(&m.noExplore, "no-explore", false, "campaigns only: do not run the explorer")
		fs.BoolVar(&o.json, "json", false, "print the report as one JSON object")
		m.find.offsets, m.find.cap = mutants.DefaultOffsets, mutants.DefaultFindCap
		fs.BoolVar(&m.find.on, "time-to-find", false, "instead, measure each variant's seeds and wall time to its first failure per scheduler, from --offsets starts of at most --cap seeds")
		fs.Var(value[int]{&m.find.offsets}, "offsets", "with --time-to-find, `N` disjoint starting seeds per variant and scheduler")
		fs.Var(value[uint64]{&m.find.cap}, "cap", "with --time-to-find, at most `N` seeds per search")
		sourceFlags(fs, &m.source)
	},
	rules: []flagRule{
		{flag: "offsets", needs: "time-to-find"}, {flag: "cap", needs: "time-to-find"},
		{flag: "source-dirs", needs: "source"}, {flag: "source-main", needs: "source"}, {flag: "equivalent", needs: "source"},
		{flag: "operators", needs: "source"}, {flag: "mutants", needs: "source"}, {flag: "mutant-timeout", needs: "source"},
		{flag: "source", not: "time-to-find"}, {flag: "budget", not: "time-to-find"}, {flag: "start", not: "time-to-find"},
		{flag: "no-explore", not: "time-to-find"},
	},
	run: runMutants,
}

// mutantsOptions are the mutants command's own flags.
type mutantsOptions struct {
	budget    uint64
	noExplore bool
	find      findOptions
	source    sourceOptions // --source and its flags
}

func runMutants(ctx context.Context, x *invocation, o *options, args []string) error {
	if err := noArgs("mutants", args); err != nil {
		return err
	}
	if o.mutants.source.on {
		return runSourceMutants(ctx, x, o)
	}
	ps, err := x.protocolsNamed("mutants", o.protocols)
	if err != nil {
		return err
	}
	m := o.mutants
	targets, err := mutants.Catalogue(ps, o.variant)
	if err != nil {
		return usageErrorf("mutants", "invalid value for --variant: %v", err)
	}
	switch {
	case m.budget < 1:
		return usageErrorf("mutants", "invalid value for --budget: each variant needs at least 1 seed")
	case o.start+m.budget < o.start:
		return usageErrorf("mutants", "invalid value for --budget: seeds %d..%d+%d overflow 64 bits", o.start, o.start, m.budget)
	}
	if o.workers, err = boundWorkers(x, "mutants", o.workers); err != nil {
		return err
	}
	if m.find.on {
		return runTimeToFind(ctx, x, o, ps)
	}
	opts := mutants.Options{Protocols: ps, Variant: o.variant, Start: o.start, Budget: m.budget, Workers: o.workers, NoExplore: m.noExplore}
	if !o.json {
		t := report.NewMutantsTable(x.stdout, targets)
		report.WriteMutantsHeader(x.stdout, x.program, targets, opts, x.mutantsCampaigns(ps, o.start))
		t.Head()
		opts.OnRow = func(r mutants.Row) {
			t.Row(r)
			x.stdout.Flush()
		}
		x.stdout.Flush()
	}
	rep, err := mutants.Run(ctx, opts)
	if err != nil {
		return internalErrorf("mutants: %v", err)
	}
	if o.json {
		if err := report.JSON(x.stdout, rep); err != nil {
			return err
		}
	} else {
		report.WriteMutantsFooter(x.stdout, &rep, opts)
	}
	return mutantsVerdict(&rep)
}

// protocolsNamed is the protocols a --protocol of cmd names: one, or all.
func (x *invocation) protocolsNamed(cmd, name string) ([]*harness.Protocol, error) {
	if name == "all" {
		return x.reg.All(), nil
	}
	p, err := x.reg.Lookup(name)
	if err != nil {
		return nil, usageErrorf(cmd, "invalid value for --protocol: unknown protocol %q (known: %s, or all)", name, strings.Join(x.reg.Names(), ", "))
	}
	return []*harness.Protocol{p}, nil
}

// mutantsCampaigns is the campaign command a variant V of each protocol
// runs, by protocol name: its fixed configuration, not a swarm's draws.
func (x *invocation) mutantsCampaigns(ps []*harness.Protocol, start uint64) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		c := mutants.ConfigFor(mutants.Target{Protocol: p, Variant: engine.Correct}, start)
		out[p.Name()] = x.program + " campaign --swarm=false --variant V" + x.flagsOf(p.Info(), c, "variant")
		if sizes := p.Info().Nodes; len(slices.Compact(slices.Clone(sizes))) > 1 {
			out[p.Name()] += fmt.Sprintf(" (--nodes by seed, in turn: %s)", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(sizes)), ", "), "[]"))
		}
	}
	return out
}

// mutantsVerdict is the exit of mutants: 1 when a variant survived or the
// control failed; else 4 when it was interrupted, since the variants not
// yet run may survive; else 0.
func mutantsVerdict(rep *mutants.Report) error {
	switch {
	case len(rep.Survivors()) > 0 || rep.ControlFailed():
		return errFound
	case rep.Interrupted:
		return &exitError{code: report.ExitIncomplete, msg: "interrupted: the variants not yet run may survive, so this is not a pass"}
	case !rep.OK():
		return errFound
	}
	return nil
}

var variantsCmd = &command{
	name:      "variants",
	usage:     "[--protocol NAME|all] [--json]",
	short:     "list the deliberately broken protocol variants",
	protocols: true,
	long: `Variants lists the protocol variants that --variant selects: each is a
deliberate bug with the property it is expected to break, for checking that
the checkers catch it. "none" is each protocol's correct one. Without
--protocol, every protocol's are listed.`,
	flags: func(fs *flag.FlagSet, o *options) {
		o.protocols = "all"
		fs.Var((*nameValue)(&o.protocols), "protocol", "list the variants of protocol `NAME`, or of all")
		fs.BoolVar(&o.json, "json", false, "print a JSON list of {protocol, name, breaks, summary}")
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		if err := noArgs("variants", args); err != nil {
			return err
		}
		ps, err := x.protocolsNamed("variants", o.protocols)
		if err != nil {
			return err
		}
		var infos []*engine.Info
		for _, p := range ps {
			infos = append(infos, p.Info())
		}
		list := report.Variants(infos...)
		if o.json {
			return report.JSON(x.stdout, list)
		}
		return report.WriteVariants(x.stdout, list)
	},
}

var versionCmd = &command{
	name:  "version",
	usage: "",
	short: "print paxsim's version",
	long: `Version prints the version of paxsim's module and of the Go toolchain that
built it.`,
	run: func(_ context.Context, x *invocation, _ *options, args []string) error {
		if err := noArgs("version", args); err != nil {
			return err
		}
		fmt.Fprintf(x.stdout, "paxsim %s\n", version())
		return nil
	},
}
