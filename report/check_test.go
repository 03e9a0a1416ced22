package report_test

import (
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/report"
)

// TestDescribeImplBallotBound: a search's header states the ballot bound
// as the explorer applies it, rounds up to B (a round above B is not
// taken), without claiming that rounds start at 1: a protocol whose
// leaders start at round 0, as Paxos Made Moderately Complex's do, gets
// rounds 0..B, and a header saying "rounds 1..B" misstated its search.
func TestDescribeImplBallotBound(t *testing.T) {
	p := builtin.MultiPaxos()
	c := model.CheckConfig{MaxBallot: 3}
	c.Config.Protocol, c.Config.Nodes = p.Name(), 3
	got := report.DescribeImpl(p.Info(), c, "")
	if !strings.Contains(got, "rounds up to 3 per replica") || strings.Contains(got, "1..3") {
		t.Errorf("DescribeImpl = %q: want the bound as rounds up to 3", got)
	}
}
