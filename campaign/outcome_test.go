package campaign

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestOutcomeFileIsInSeedOrder: outcomes added in any order are written
// in the order of seeds, and a campaign's file is the same bytes for any
// number of workers.
func TestOutcomeFileIsInSeedOrder(t *testing.T) {
	var b bytes.Buffer
	ow := NewOutcomeWriter(&b, 10)
	for _, seed := range []uint64{12, 10, 14, 11, 13} {
		ow.add(Outcome{Seed: seed, Hash: seed, TraceHash: 100 + seed, Events: int64(seed)})
	}
	if err := ow.Close(); err != nil {
		t.Fatal(err)
	}
	want := outcomeHeader + "\n"
	for seed := uint64(10); seed <= 14; seed++ {
		want += fmt.Sprintf("%d %s %s %d\n", seed, FormatHash(seed), FormatHash(100+seed), seed)
	}
	if b.String() != want {
		t.Fatalf("wrote\n%s\nwant\n%s", b.String(), want)
	}

	file := func(workers int) string {
		var b bytes.Buffer
		o := Options{Protocol: protocolOf(defaultConfig()), Config: defaultConfig(), Start: 5, Seeds: 40, Workers: workers, Swarm: true, NoShrink: true}
		o.Outcomes = NewOutcomeWriter(&b, o.Start)
		if _, err := Run(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if err := o.Outcomes.Close(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	one, two := file(1), file(2)
	if one != two || strings.Count(one, "\n") != 41 {
		t.Fatalf("1 worker wrote\n%s\n2 workers wrote\n%s", one, two)
	}
}

// outcomeFile is an outcome file of the given lines.
func outcomeFile(lines ...string) *strings.Reader {
	return strings.NewReader(outcomeHeader + "\n" + strings.Join(lines, "\n"))
}

// compare compares two outcome files named here.txt and there.txt.
func compare(here, there *strings.Reader) ([]Divergence, error) {
	return CompareOutcomes(OutcomeFile{here, "here.txt"}, OutcomeFile{there, "there.txt"}, "in another process")
}

// TestCompareOutcomes: a seed whose outcome hashes differ diverges, and so
// does a seed only one side ran; the detail says whether the traces
// differ or only the verdicts.
func TestCompareOutcomes(t *testing.T) {
	line := func(seed, hash, trace, events int) string {
		return fmt.Sprintf("%d %016x %016x %d", seed, hash, trace, events)
	}
	here := outcomeFile(line(1, 1, 1, 10), line(2, 2, 2, 20), line(3, 3, 3, 30), line(4, 4, 4, 40))
	there := outcomeFile(line(2, 2, 2, 20), line(3, 9, 3, 30), line(4, 8, 7, 41), line(5, 5, 5, 50))
	divs, err := compare(here, there)
	if err != nil {
		t.Fatal(err)
	}
	want := []Divergence{
		{1, "ran here but not in another process"},
		{3, "the same trace (hash 0000000000000003, 30 events) here and in another process, but not the same verdicts"},
		{4, "trace hash 0000000000000004 after 40 events here, 0000000000000007 after 41 events in another process"},
		{5, "ran in another process but not here"},
	}
	if fmt.Sprint(divs) != fmt.Sprint(want) {
		t.Fatalf("divergences\n%v\nwant\n%v", divs, want)
	}
	same, err := compare(outcomeFile(line(1, 1, 1, 1)), outcomeFile(line(1, 1, 1, 1)))
	if err != nil || len(same) != 0 {
		t.Fatalf("the same outcomes: %v, %v", same, err)
	}
}

// TestCompareOutcomesNamesTheBadLine: a file that is not an outcome file
// gets an error naming it and its line.
func TestCompareOutcomesNamesTheBadLine(t *testing.T) {
	good := fmt.Sprintf("1 %016x %016x 5", 1, 1)
	for _, tc := range []struct {
		file *strings.Reader
		want string
	}{
		{strings.NewReader("hello\n"), "there.txt:1: not an outcome file"},
		{strings.NewReader(""), "there.txt:1: not an outcome file"},
		{outcomeFile(good, "2 abc 0000000000000001 5"), `there.txt:3: bad hash "abc"`},
		{outcomeFile(good, "2 0000000000000001 0000000000000001 -5"), `there.txt:3: bad event count "-5"`},
		{outcomeFile(good, "x 0000000000000001 0000000000000001 5"), `there.txt:3: bad seed "x"`},
		{outcomeFile(good, "2 0000000000000001"), "there.txt:3: \"2 0000000000000001\" is not SEED HASH TRACE-HASH EVENTS"},
		{outcomeFile(good, good), "there.txt:3: seed 1 after seed 1: seeds go up"},
	} {
		_, err := compare(outcomeFile(good), tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one with %q", err, tc.want)
		}
	}
}
