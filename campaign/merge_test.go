package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/adapter/multipaxos"
	"github.com/paxsim/paxsim/adapter/paxos"
)

func TestShardRangeTilesTheSeeds(t *testing.T) {
	for _, tt := range []struct{ start, seeds, n uint64 }{
		{0, 400, 2}, {100, 10, 3}, {0, 7, 7}, {5, 1000, 9}, {1 << 63, 1<<64 - 1<<63 - 1, 5}, {0, 1<<64 - 1, 3},
	} {
		next := tt.start
		for i := uint64(1); i <= tt.n; i++ {
			first, count := ShardRange(tt.start, tt.seeds, i, tt.n)
			if first != next || count < tt.seeds/tt.n || count > tt.seeds/tt.n+1 {
				t.Fatalf("%+v: shard %d is %d+%d, want it to start at %d with %d or %d seeds", tt, i, first, count, next, tt.seeds/tt.n, tt.seeds/tt.n+1)
			}
			next = first + count
		}
		if next != tt.start+tt.seeds {
			t.Fatalf("%+v: the shards end at %d, not %d", tt, next, tt.start+tt.seeds)
		}
	}
}

// wallClock are the fields a merge cannot make equal to the whole run's.
func withoutWallClock(s Summary) Summary {
	s.WallSeconds, s.ShrinkSeconds, s.EventsPerSecond, s.SeedsPerSecond = 0, 0, 0, 0
	return s
}

func jsonOf(t *testing.T, s Summary) string {
	t.Helper()
	data, err := json.MarshalIndent(withoutWallClock(s), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestShardsMergeToTheWholeCampaign runs a failing campaign whole and in
// shards, merges the shards' summaries (through JSON, as paxsim merge reads
// them) and their failure folders, and checks that the merge is the whole
// campaign: the same summary, wall-clock figures aside, and the same
// folders, byte for byte. A small MaxShrinks makes a shard shrink a
// group's representative that the whole campaign does not shrink, which
// the merge must leave out.
func TestShardsMergeToTheWholeCampaign(t *testing.T) {
	for _, tt := range []struct {
		name       string
		protocol   string
		variant    string
		start      uint64
		seeds      uint64
		shards     int
		maxShrinks int
		noShrink   bool
		groups     int // the fewest the campaign must have for the test to mean something
	}{
		{"max-shrinks=1/shards=3", paxos.Name, "no-promise", 0, 300, 3, 1, false, 2},
		{"no-shrink/every-failure/shards=4", paxos.Name, "minority-quorum", 1000, 250, 4, -1, true, 2},
		{"linearizability/shards=2", paxos.Name, "reply-own-value", 0, 150, 2, 3, false, 1}, // history.html
		{"multipaxos/shards=3", multipaxos.Name, "none", 7, 60, 3, 0, false, 0},             // Service, no failure
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := faulty()
			c.Protocol, c.Variant = tt.protocol, tt.variant
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			opts := Options{Protocol: protocolOf(c), Config: c, Start: tt.start, Seeds: tt.seeds, Workers: 2, OutDir: out, MaxShrinks: tt.maxShrinks, NoShrink: tt.noShrink}
			whole, err := Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.variant != "none" && (whole.Violations < 5 || len(whole.Groups) < tt.groups) {
				t.Fatalf("%d violations in %d groups: the test needs a campaign that fails more", whole.Violations, len(whole.Groups))
			}
			if err := os.Rename(out, filepath.Join(dir, "whole")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			var parts []Summary
			for i := tt.shards; i >= 1; i-- { // any order
				o := opts
				o.Start, o.Seeds = ShardRange(tt.start, tt.seeds, uint64(i), uint64(tt.shards))
				o.OutDir = filepath.Join(dir, "shards", fmt.Sprintf("shard-%d-of-%d", i, tt.shards))
				s, err := Run(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				s.SpecCoverage = s.SpecCoverage.ForShard() // its states, as a shard's JSON line carries them
				data, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				var back Summary
				if err := json.Unmarshal(data, &back); err != nil {
					t.Fatal(err)
				}
				parts = append(parts, back)
			}
			merged, err := MergeSummaries(parts, MergeOptions{Protocol: opts.Protocol, MaxShrinks: tt.maxShrinks, OutDir: out})
			if err != nil {
				t.Fatal(err)
			}
			if have, want := jsonOf(t, merged), jsonOf(t, whole); have != want {
				t.Fatalf("merged shards differ from the whole campaign:\n%s", firstDiff(want, have))
			}
			compareTrees(t, filepath.Join(dir, "whole"), out)
			t.Logf("%d failures in %d groups: %v", whole.Violations, len(whole.Groups), groupSizes(whole.Groups))
		})
	}
}

// compareTrees checks that two folders hold the same files, byte for byte.
func compareTrees(t *testing.T, want, have string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		m := map[string][]byte{}
		if _, err := os.Stat(root); os.IsNotExist(err) {
			return m
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			m[rel] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	w, h := files(want), files(have)
	for name, data := range w {
		got, ok := h[name]
		if !ok {
			t.Errorf("merge did not write %s", name)
		} else if !bytes.Equal(got, data) {
			t.Errorf("%s differs:\n%s", name, firstDiff(string(data), string(got)))
		}
	}
	for name := range h {
		if _, ok := w[name]; !ok {
			t.Errorf("merge wrote %s, which the whole campaign does not", name)
		}
	}
}

func firstDiff(want, have string) string {
	w, h := strings.Split(want, "\n"), strings.Split(have, "\n")
	for i := 0; i < max(len(w), len(h)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(h) {
			b = h[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want %q\n have %q", i+1, a, b)
		}
	}
	return "(equal lines)"
}

// TestMergeRulesCoverSummary fails when a Summary field has no merge rule:
// give a new field its rule in summaryRules (a count is sum).
func TestMergeRulesCoverSummary(t *testing.T) {
	fields := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Summary]()) {
		fields[f.Name] = true
		if _, ok := summaryRules[f.Name]; !ok {
			t.Errorf("Summary.%s has no merge rule: add it to summaryRules in merge.go (sum for a count, a map of counts or a histogram)", f.Name)
		}
	}
	for name := range summaryRules {
		if !fields[name] {
			t.Errorf("summaryRules names %s, which is not a Summary field", name)
		}
	}
}

// TestEveryMergedFieldCounts fills each field merged by rule (not derived)
// with random values in one part and checks that the merge sees it: a rule
// that ignores its field, or a field whose type the rule cannot combine,
// fails here.
func TestEveryMergedFieldCounts(t *testing.T) {
	base := func() []Summary {
		return []Summary{
			{Start: 0, Requested: 10, CampaignHash: FormatHash(1)},
			{Start: 10, Requested: 10, CampaignHash: FormatHash(2)},
		}
	}
	plain, err := MergeSummaries(base(), MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.CampaignHash != FormatHash(3) || plain.Start != 0 || plain.Requested != 20 {
		t.Fatalf("merge of two empty parts: %+v", plain)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Summary]()) {
		rule := summaryRules[f.Name]
		if rule == derived || f.Name == "Start" || f.Name == "Requested" {
			continue
		}
		parts := base()
		v := reflect.ValueOf(&parts[1]).Elem().FieldByIndex(f.Index)
		fill(t, r, v)
		merged, err := MergeSummaries(parts, MergeOptions{})
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		have := reflect.ValueOf(&merged).Elem().FieldByIndex(f.Index)
		if reflect.DeepEqual(have.Interface(), reflect.ValueOf(&plain).Elem().FieldByIndex(f.Index).Interface()) {
			t.Errorf("%s: the merge ignored a part's value %v", f.Name, v.Interface())
		}
		if rule == sum && !reflect.DeepEqual(have.Interface(), v.Interface()) {
			t.Errorf("%s: zero plus %v gave %v", f.Name, v.Interface(), have.Interface())
		}
	}
}

// fill gives v a random non-zero value, whatever its type (numbers, maps
// of numbers, slices, structs, pointers).
func fill(t *testing.T, r *rand.Rand, v reflect.Value) {
	switch {
	case v.CanInt():
		v.SetInt(1 + r.Int64N(1000))
	case v.CanUint():
		v.SetUint(1 + r.Uint64N(1000))
	case v.CanFloat():
		v.SetFloat(1 + r.Float64())
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	case v.Kind() == reflect.String:
		v.SetString(fmt.Sprint("s", r.IntN(1000)))
	case v.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 3 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(t, r, k)
			fill(t, r, e)
			v.SetMapIndex(k, e)
		}
	case v.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 3, 3))
		for i := range 3 {
			fill(t, r, v.Index(i))
		}
	case v.Kind() == reflect.Array:
		for i := range v.Len() {
			fill(t, r, v.Index(i))
		}
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, r, v.Elem())
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, r, v.Field(i))
			}
		}
	default:
		t.Fatalf("fill: no random %s", v.Type())
	}
}

func TestMergeRefusesGapsAndOverlaps(t *testing.T) {
	part := func(start, n uint64) Summary { return Summary{Start: start, Requested: n, CampaignHash: FormatHash(0)} }
	for _, tt := range []struct {
		name  string
		parts []Summary
		want  string
	}{
		{"none", nil, "no summaries"},
		{"gap", []Summary{part(0, 10), part(20, 10)}, "seeds 10..19 are missing between seeds 0..9 and seeds 20..29"},
		{"overlap", []Summary{part(0, 10), part(5, 10)}, "seed ranges overlap: seeds 0..9 and seeds 5..14"},
		{"twice", []Summary{part(0, 10), part(0, 10)}, "overlap"},
		{"bad hash", []Summary{{Start: 0, Requested: 1, CampaignHash: "xyz"}}, `campaign hash "xyz"`},
		{"failure outside", []Summary{{Start: 0, Requested: 1, CampaignHash: FormatHash(0), Failures: []Failure{{Seed: 7}}}}, "failing seed 7 is outside"},
	} {
		if _, err := MergeSummaries(tt.parts, MergeOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestMergeWithoutShardFoldersSaysSo(t *testing.T) {
	c := faulty()
	c.Variant = "ignore-promised-values"
	s, err := Run(context.Background(), Options{Protocol: protocolOf(c), Config: c, Seeds: 60, Workers: 1, NoShrink: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Violations == 0 {
		t.Fatal("no failure in 60 seeds")
	}
	_, err = MergeSummaries([]Summary{s}, MergeOptions{Protocol: protocolOf(c), MaxShrinks: DefaultMaxShrinks, OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "run the shards with --out") {
		t.Fatalf("error %v, want one saying the shards wrote no reproducers", err)
	}
	if _, err := MergeSummaries([]Summary{s}, MergeOptions{MaxShrinks: DefaultMaxShrinks}); err != nil {
		t.Fatalf("merging without folders: %v", err)
	}
}

func groupSizes(groups []Group) map[string]int {
	m := map[string]int{}
	for _, g := range groups {
		m[g.Signature] = len(g.Seeds)
	}
	return m
}
