package main

import (
	"testing"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/paxtest"
)

// rolepaxos is the implementation bound to paxsim, as main binds it.
func rolepaxos() *harness.Protocol { return harness.New[Msg, Disk](Adapter{}) }

// TestProperties runs paxsim's property suites on the correct rolepaxos:
// rapid draws schedules of a choice world, and every property holds.
func TestProperties(t *testing.T) { paxtest.Properties(t, rolepaxos(), paxtest.Options{}) }

// TestCampaign runs paxsim's small campaign on the correct rolepaxos:
// no violation, and liveness holds after every heal.
func TestCampaign(t *testing.T) { paxtest.Campaign(t, rolepaxos(), paxtest.CampaignOptions{}) }

// TestCampaignFindsTheBug runs the campaign on the variant with the
// learner's bug (learner.go), and expects it to find a learner that
// learns a value no majority of the acceptors chose in one ballot.
func TestCampaignFindsTheBug(t *testing.T) {
	f := paxtest.FindInCampaign(t, rolepaxos(), paxtest.CampaignOptions{Variant: anyBallot, Properties: []checker.Property{checker.LearnerIntegrity}})
	if f == nil {
		t.Fatal("the campaign found no learner-integrity violation, but the learner counts votes across ballots (learner.go)")
	}
	t.Logf("the campaign broke learner integrity in %d seeds:\n%s", f.Cases, f)
}

// TestFindTheBug asks paxsim's rapid search for the same bug.
func TestFindTheBug(t *testing.T) {
	f := paxtest.Find(t, rolepaxos(), paxtest.Options{Variant: anyBallot, Properties: []checker.Property{checker.LearnerIntegrity}})
	if f == nil {
		t.Fatal("rapid found no learner-integrity violation in the variant " + anyBallot)
	}
	t.Logf("found:\n%s", f)
}

// FuzzRolePaxos is paxsim's fuzz target on the correct rolepaxos.
func FuzzRolePaxos(f *testing.F) { paxtest.Fuzz(f, rolepaxos(), paxtest.Options{}) }
