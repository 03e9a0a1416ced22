package reach

import (
	"slices"
	"testing"
)

// TestRunByReadsEachProtocolsState: RunByEnv names, per protocol, whether
// its campaigns ran the site or never saw it; a protocol not named, or the
// variable unset, is not known.
func TestRunByReadsEachProtocolsState(t *testing.T) {
	t.Setenv(RunByEnv, "paxos:ran,multipaxos:skip")
	for _, c := range []struct {
		protocol   string
		known, ran bool
	}{{"paxos", true, true}, {"multipaxos", true, false}, {"pax", false, false}, {"theirs", false, false}} {
		if known, ran := RunBy(c.protocol); known != c.known || ran != c.ran {
			t.Errorf("%s: known %v, ran %v; want %v, %v", c.protocol, known, ran, c.known, c.ran)
		}
	}
	t.Setenv(RunByEnv, "")
	if known, _ := RunBy("paxos"); known {
		t.Error("an empty list: paxos known")
	}
}

// TestCoveredListsEachSiteOnce: the control (this process runs mutant 0)
// records each site once, lists them sorted, and forgets them; mutant 0
// is no site.
func TestCoveredListsEachSiteOnce(t *testing.T) {
	if Selected() != 0 {
		t.Skip("the process runs a mutant")
	}
	Covered()
	for _, k := range []int{3, 1, 3, 0, 9} {
		Seen(k)
	}
	if got := Covered(); !slices.Equal(got, []int{1, 3, 9}) {
		t.Errorf("covered %v, want [1 3 9]", got)
	}
	if got := Covered(); len(got) != 0 {
		t.Errorf("covered %v after it was listed, want none", got)
	}
}
