package model

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/protocol"
	"github.com/paxsim/paxsim/sim"
)

// TestCheckFIFO: a search over FIFO links (a multiset network whose links
// deliver in the order sent) finds no more states than one over links that
// reorder, the correct protocol safe, and a variant's violation still,
// with lines that replay over FIFO links; its states are the same
// whatever the number of workers.
func TestCheckFIFO(t *testing.T) {
	multiset := func(variant string, proposers int, fifo bool) CheckConfig {
		c := smallCheck(variant, 3, proposers, 1, true)
		c.Network, c.Drops, c.Dups, c.Config.FIFO = sim.Multiset, true, 1, fifo
		return c
	}
	for _, tc := range []struct {
		variant   string
		proposers int
		verdict   string
	}{
		{engine.Correct, 1, explore.VerdictOK},
		{"one-ballot", 2, explore.VerdictViolation},
		{"ignore-promised-values", 2, explore.VerdictViolation},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			plain := mustCheck(t, paxos.Adapter{}, multiset(tc.variant, tc.proposers, false), explore.Options{})
			c := multiset(tc.variant, tc.proposers, true)
			fifo := mustCheck(t, paxos.Adapter{}, c, explore.Options{})
			t.Logf("%s: %d states over FIFO links, %d over links that reorder", tc.variant, fifo.Distinct, plain.Distinct)
			if plain.Verdict != tc.verdict || fifo.Verdict != tc.verdict || fifo.Property != plain.Property {
				t.Fatalf("FIFO: %+v; reordering: %+v", countsOfReport(fifo), countsOfReport(plain))
			}
			if tc.verdict == explore.VerdictOK {
				if !fifo.Complete || fifo.Distinct > plain.Distinct {
					t.Fatalf("FIFO links: %d states (complete %v), links that reorder %d", fifo.Distinct, fifo.Complete, plain.Distinct)
				}
				two := mustCheck(t, paxos.Adapter{}, c, explore.Options{Workers: 2})
				exact := mustCheck(t, paxos.Adapter{}, c, explore.Options{Exact: true})
				for _, r := range []Report{two, exact} {
					if countsOfReport(r) != countsOfReport(fifo) {
						t.Fatalf("two workers or exact states: %+v, one: %+v", countsOfReport(r), countsOfReport(fifo))
					}
				}
				// Replicas 2 and 3 are interchangeable: at most two
				// states are one under symmetry.
				sym := mustCheck(t, paxos.Adapter{}, c, explore.Options{Symmetry: true})
				if sym.Verdict != explore.VerdictOK || sym.Distinct >= fifo.Distinct || 2*sym.Distinct < fifo.Distinct {
					t.Fatalf("symmetry: %+v, without: %+v", countsOfReport(sym), countsOfReport(fifo))
				}
				return
			}
			if fifo.Config.FIFO != true {
				t.Fatal("the counterexample's config lost FIFO links")
			}
			checkCounterexample(t, paxos.Adapter{}, c, fifo, true)
		})
	}
}

// TestCheckFIFONeedsMultiset: a set network keeps no order to keep.
func TestCheckFIFONeedsMultiset(t *testing.T) {
	c := DefaultCheck(&paxosInfo)
	c.Config.FIFO = true
	err := c.Validate(&paxosInfo)
	if !isConfigError(err, "fifo") || !strings.Contains(err.Error(), "--fifo needs --network multiset") {
		t.Fatalf("want a fifo error naming --network multiset, got %v", err)
	}
}

// unfingerprinted is single-decree Paxos's messages with a durable state
// that has no Fingerprint: a search would merge states that differ in it.
type unfingerprinted struct{ paxos.Adapter }

type plainDurable struct{ Ballot int }

type plainEnv = sim.Env[protocol.Msg, plainDurable, checker.Observation]

type plainNode struct{}

func (plainNode) Start(*plainEnv)                             {}
func (plainNode) Deliver(*plainEnv, sim.NodeID, protocol.Msg) {}
func (plainNode) Fire(*plainEnv, sim.TimerTag)                {}

func (unfingerprinted) NewNodes(engine.Setup) (sim.NewNode[protocol.Msg, plainDurable, checker.Observation], error) {
	return func(sim.NodeID, plainDurable) sim.Node[protocol.Msg, plainDurable, checker.Observation] {
		return plainNode{}
	}, nil
}

func (unfingerprinted) DescribeDurable(plainDurable) string { return "" }

// TestNewNeedsFingerprints: a durable state without a Fingerprint is an
// error that names the type and the method, not a search that merges
// distinct states; so is a node that is not a sim.Cloner.
func TestNewNeedsFingerprints(t *testing.T) {
	_, err := New(unfingerprinted{}, &paxosInfo, DefaultCheck(&paxosInfo))
	if err == nil || !strings.Contains(err.Error(), "model.plainDurable is not a sim.Fingerprinter") || !strings.Contains(err.Error(), "Fingerprint(*fingerprint.Hasher)") {
		t.Fatalf("want an error naming the durable state and Fingerprint, got %v", err)
	}
	if _, err := Check(unfingerprinted{}, &paxosInfo, DefaultCheck(&paxosInfo), explore.Options{}); err == nil {
		t.Fatal("Check explored a durable state without a fingerprint")
	}
}
