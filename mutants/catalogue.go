package mutants

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// Target is one variant of the catalogue.
type Target struct {
	Protocol *harness.Protocol
	Variant  string           // its name; engine.Correct for the correct protocol
	Breaks   checker.Property // the property the catalogue says it breaks first
	Summary  string
}

// Catalogue lists the variants of the protocols ps (each protocol's
// engine.Info.Variants, in the order ps and the Info give them); variant,
// when not empty, keeps that one only.
func Catalogue(ps []*harness.Protocol, variant string) ([]Target, error) {
	var out []Target
	var names []string
	for _, p := range ps {
		for _, v := range p.Info().Variants {
			out = append(out, Target{p, v.Name, v.Breaks, v.Summary})
		}
		names = append(names, p.Name())
	}
	if variant == "" {
		return out, nil
	}
	for _, t := range out {
		if t.Variant == variant {
			return []Target{t}, nil
		}
	}
	known := make([]string, len(out))
	for i, t := range out {
		known[i] = t.Variant
	}
	return nil, fmt.Errorf("unknown variant %q for %s (known: %s)", variant, strings.Join(names, ", "), strings.Join(known, ", "))
}

// ConfigFor is the configuration a target's seed runs with. Every seed of
// a protocol gets the same one today: the defaults of `paxsim run` with
// the faults the catalogue was measured with (BENCHMARKS.md): --drop 0.1
// --dup 0.05 --crash 0.01 --partition 0.01 for a consensus workload (the
// configuration of TestRandomCampaignsCatchEveryVariant), and half the
// network faults, --drop 0.05 --dup 0.02, for a key-value service, whose
// runs carry many commands and so many more messages (the configuration
// of TestMultiPaxosVariants); and for both the durability faults,
// --torn-crash 0.01 --lose-unsynced 0.01, without which a reply sent
// before its write, or a write never synced, cannot show.
//
// A protocol that lists the cluster sizes it runs at (engine.Info.Nodes)
// runs at each in turn, seed s at Nodes[s mod len(Nodes)], as a swarm
// draws among them: a bug whose quorums need more nodes than the first
// size has (Flexible Paxos's phase-2 quorum of one acceptor of three
// cannot count a vote twice) shows only there. Other protocols run at
// their default size, every seed alike.
//
// No variant needs settings of its own. The seed is an argument so that a
// configuration drawn per seed (swarm testing) replaces only this
// function; the control campaign calls it with engine.Correct.
func ConfigFor(t Target, seed uint64) engine.Config {
	c := engine.Default()
	c.Protocol, c.Variant, c.Nodes = t.Protocol.Name(), t.Variant, NodesFor(t.Protocol.Info(), seed)
	c.Drop, c.Dup, c.Crash, c.Partition = 0.1, 0.05, 0.01, 0.01
	c.TornCrash, c.LoseUnsynced = 0.01, 0.01
	if t.Protocol.Info().Workload.Kind == engine.KeyValue {
		c.Drop, c.Dup = 0.05, 0.02
	}
	return c
}

// NodesFor is the cluster size of seed's campaign run (ConfigFor): the
// protocol's listed sizes in turn, or its default size.
func NodesFor(info *engine.Info, seed uint64) int {
	if len(info.Nodes) == 0 {
		return info.DefaultNodes()
	}
	return info.Nodes[seed%uint64(len(info.Nodes))]
}
