package campaign

import (
	"context"
	"testing"

	"github.com/paxsim/paxsim/engine"
)

// TestCampaignHashIsFreshRuns: a campaign's workers reuse a runner seed
// after seed (harness.Protocol.NewRunner), and its hash is the hash of
// the same seeds run each afresh, for every protocol, swarm and variant.
func TestCampaignHashIsFreshRuns(t *testing.T) {
	for _, p := range registry.All() {
		for _, variant := range []string{engine.Correct, p.Info().Variants[0].Name} {
			c := engine.Default()
			c.Protocol, c.Variant = p.Name(), variant
			o := Options{Protocol: p, Config: c, Start: 40, Seeds: 150, Workers: 2, Swarm: true, NoShrink: true}
			s, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var hash uint64
			for seed := o.Start; seed < o.Start+o.Seeds; seed++ {
				res, err := p.Run(o.ConfigFor(seed), seed, engine.Options{})
				if err != nil {
					t.Fatal(err)
				}
				hash += mixSeed(seed, res.TraceHash)
			}
			if want := FormatHash(hash); s.CampaignHash != want {
				t.Errorf("%s %s: campaign hash %s, fresh runs %s", p.Name(), variant, s.CampaignHash, want)
			}
		}
	}
}
