package campaign

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"

	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// Merging the summaries of a sharded campaign.
//
// A campaign split into shards (disjoint ranges of its seeds, run apart,
// on other machines) sums up to the campaign run whole: MergeSummaries
// combines the shards' summaries into the one the unsharded campaign
// reports, wall-clock figures aside, and writes the failure folders it
// writes. Sums and counts add, the campaign hash is a sum too (mixSeed),
// failures concatenate and sort by seed, and the groups are made again as
// the whole campaign makes them, each with the traces its lowest seed's
// shard recorded and shrank.

// MergeOptions say how to merge the summaries of a sharded campaign.
type MergeOptions struct {
	// Protocol is the protocol the shards ran: it replays their traces
	// into the merged folders' diagrams.
	Protocol *harness.Protocol
	// MaxShrinks is the Options.MaxShrinks the shards ran with.
	MaxShrinks int
	// OutDir, when set, receives a folder per failure group, as
	// Options.OutDir does; the files come from the shards' folders.
	OutDir string
	// Locate maps a path recorded in parts[i] (a group's Dir, a failure's
	// Reproducer) to where that file or folder is now, for shards whose
	// folders moved since they ran; nil uses the paths as recorded.
	Locate func(i int, path string) string
	// Program is Options.Program: the program the folders' replay
	// commands name (empty: paxsim).
	Program string
}

// mergeRule says how one field of Summary combines over shards.
type mergeRule int

const (
	// sum: numbers add; maps add key by key; slices of numbers add
	// element by element (histograms); structs, and pointers to them,
	// field by field.
	sum      mergeRule = iota + 1
	least              // the smallest
	greatest           // the largest
	either             // booleans: true if any is
	// derived: set by MergeSummaries from other fields (and checked by
	// the test that a merge equals the campaign run whole).
	derived
)

// summaryRules is how every field of Summary merges. A new Summary field
// needs its rule here (a count is sum); TestMergeRulesCoverSummary fails
// until it has one, and TestShardsMergeToTheWholeCampaign checks that the
// merge equals an unsharded campaign.
var summaryRules = map[string]mergeRule{
	"Start":            least,
	"Requested":        sum,
	"Seeds":            sum,
	"Violations":       derived, // len(Failures)
	"ByProperty":       derived, // from Failures
	"Events":           sum,
	"WallSeconds":      greatest, // the longest shard: shards run side by side
	"ShrinkSeconds":    greatest,
	"EventsPerSecond":  sum, // the shards' throughput together, as if they ran at once
	"SeedsPerSecond":   sum,
	"Faults":           sum,
	"Stops":            sum,
	"LivenessChecked":  sum,
	"Decided":          sum,
	"Linearizability":  sum,
	"Service":          sum,
	"CampaignHash":     derived, // the sum of the shards' hashes
	"Failures":         derived, // concatenated, sorted by seed, signatures again
	"Groups":           derived, // made again from the failures
	"Nondeterministic": derived, // concatenated, sorted by seed
	"Interrupted":      either,
	"MemoryStop":       either,
	"Hang":             derived,  // the lowest seed's of the shards' hangs
	"Workers":          greatest, // what one shard ran on
	"Swarm":            either,
	"Coverage":         sum,
	"CoverageGaps":     derived, // from Faults and Coverage
	"Triage":           derived, // none: merge --baseline labels the merged groups again
	"SpecCoverage":     derived, // the union of the shards' states (refine.MergeSummaries)
}

// MergeSummaries combines the summaries of a campaign's shards, in any
// order, into the summary of the campaign run whole. The shards' seed
// ranges must not overlap and must leave no gap between them. With
// o.OutDir it writes the failure folders the whole campaign writes, from
// the shards' folders, which must then exist.
func MergeSummaries(parts []Summary, o MergeOptions) (Summary, error) {
	order, err := tileShards(parts)
	if err != nil {
		return Summary{}, err
	}
	s, err := mergeFields(parts, order)
	if err != nil {
		return Summary{}, err
	}
	s.Hang = lowestHang(parts)
	from := mergeFailures(&s, parts, order)
	groupFrom, err := regroup(&s, parts, from, o.MaxShrinks)
	if err != nil {
		return Summary{}, err
	}
	if o.OutDir != "" {
		if err := writeMerged(&s, parts, from, groupFrom, o); err != nil {
			return s, err
		}
	}
	return s, nil
}

// tileShards orders parts by their first seeds, and checks that their
// ranges tile the campaign's: no overlap, no gap.
func tileShards(parts []Summary) ([]int, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("no summaries to merge")
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return parts[order[a]].Start < parts[order[b]].Start })
	for k := 1; k < len(order); k++ {
		prev, p := &parts[order[k-1]], &parts[order[k]]
		end := prev.Start + prev.Requested
		switch {
		case p.Start < end:
			return nil, fmt.Errorf("seed ranges overlap: %s and %s", seedRange(prev), seedRange(p))
		case p.Start > end:
			return nil, fmt.Errorf("seeds %d..%d are missing between %s and %s", end, p.Start-1, seedRange(prev), seedRange(p))
		}
	}
	return order, nil
}

// mergeFields combines the parts' fields by their summaryRules, in order,
// and sums their campaign hashes; the derived fields are left to the rest
// of the merge, but the coverage gaps and the divergences.
func mergeFields(parts []Summary, order []int) (Summary, error) {
	s := Summary{}
	sv := reflect.ValueOf(&s).Elem()
	var hash uint64
	for k, i := range order {
		p := &parts[i]
		pv := reflect.ValueOf(p).Elem()
		for _, f := range reflect.VisibleFields(sv.Type()) {
			rule := summaryRules[f.Name]
			if rule == 0 || !f.IsExported() {
				return Summary{}, fmt.Errorf("campaign: Summary.%s has no merge rule (add one to summaryRules)", f.Name)
			}
			if rule == derived {
				continue
			}
			if err := mergeField(rule, k == 0, sv.FieldByIndex(f.Index), pv.FieldByIndex(f.Index)); err != nil {
				return Summary{}, fmt.Errorf("campaign: merging Summary.%s: %v", f.Name, err)
			}
		}
		h, err := strconv.ParseUint(p.CampaignHash, 16, 64)
		if err != nil {
			return Summary{}, fmt.Errorf("%s: campaign hash %q is not 16 hex digits", seedRange(p), p.CampaignHash)
		}
		hash += h
		for _, f := range p.Failures {
			if f.Seed < p.Start || f.Seed-p.Start >= p.Requested {
				return Summary{}, fmt.Errorf("%s: failing seed %d is outside its range", seedRange(p), f.Seed)
			}
		}
	}
	s.CampaignHash = FormatHash(hash)
	s.CoverageGaps = Gaps(&s)
	s.SpecCoverage = mergeSpec(parts)
	s.Nondeterministic = []Divergence{}
	for _, i := range order {
		s.Nondeterministic = append(s.Nondeterministic, parts[i].Nondeterministic...)
	}
	sort.Slice(s.Nondeterministic, func(i, j int) bool { return s.Nondeterministic[i].Seed < s.Nondeterministic[j].Seed })
	return s, nil
}

// mergeFailures concatenates the parts' failures into s, sorted by seed,
// and counts them; it returns where each came from: its part and its
// group there.
func mergeFailures(s *Summary, parts []Summary, order []int) []mergeSource {
	var sources []mergeSource
	s.Failures = []Failure{}
	for _, i := range order {
		p := &parts[i]
		groups := map[string]*Group{}
		for g := range p.Groups {
			groups[p.Groups[g].Signature] = &p.Groups[g]
		}
		for _, f := range p.Failures {
			s.Failures = append(s.Failures, Failure{Seed: f.Seed, Violation: f.Violation, Signature: f.Signature})
			sources = append(sources, mergeSource{i, groups[f.Signature]})
		}
	}
	byseed := make([]int, len(s.Failures))
	for i := range byseed {
		byseed[i] = i
	}
	sort.Slice(byseed, func(a, b int) bool { return s.Failures[byseed[a]].Seed < s.Failures[byseed[b]].Seed })
	failures := make([]Failure, len(s.Failures))
	from := make([]mergeSource, len(s.Failures))
	for k, i := range byseed {
		failures[k], from[k] = s.Failures[i], sources[i]
	}
	s.Failures = failures
	s.Violations = len(s.Failures)
	s.ByProperty = map[string]int{}
	for _, f := range s.Failures {
		s.ByProperty[string(f.Violation.Property)]++
	}
	return from
}

// regroup makes s's groups as explainFailures makes them, and returns
// where each group's representative files are. A signature is the
// violation's, the same on every shard, and the shard that ran a group's
// representative explained it when the whole campaign does: it has at
// most the groups before it that the whole campaign has (groups are in the
// order of their lowest seeds).
func regroup(s *Summary, parts []Summary, from []mergeSource, maxShrinks int) ([]mergeSource, error) {
	reps := groupFailures(s)
	limit := shrinkLimit(maxShrinks, len(s.Groups))
	groupFrom := make([]mergeSource, len(s.Groups))
	for k := range s.Groups {
		g, src := &s.Groups[k], from[reps[k]]
		groupFrom[k].part = src.part
		switch {
		case k >= limit:
			noteUnexplained(g, k, limit)
		case src.group == nil:
			return nil, fmt.Errorf("%s: seed %d has no group %s", seedRange(&parts[src.part]), g.Representative, g.Signature)
		case src.group.Representative != g.Representative:
			return nil, fmt.Errorf("%s: group %s is represented by seed %d, not by seed %d, the soonest to fail",
				seedRange(&parts[src.part]), g.Signature, src.group.Representative, g.Representative)
		default:
			groupFrom[k].group = src.group
			g.Message, g.Shape, g.StepsBefore, g.StepsAfter = src.group.Message, src.group.Shape, src.group.StepsBefore, src.group.StepsAfter
		}
	}
	return groupFrom, nil
}

// mergeSource is where a merged failure or group came from: the index of
// its part and, when it was shrunk there, its group in that part.
type mergeSource struct {
	part  int
	group *Group
}

// shrinkLimit is how many of n failure groups a campaign with
// Options.MaxShrinks maxShrinks explains.
func shrinkLimit(maxShrinks, n int) int {
	switch {
	case maxShrinks == 0:
		maxShrinks = DefaultMaxShrinks
	case maxShrinks < 0:
		maxShrinks = n
	}
	return min(maxShrinks, n)
}

// writeMerged writes the merged campaign's failure folders: every seed's
// reproducer, from wherever its shard wrote it, and each group's folder,
// with its representative's traces and history from its shard's group
// folder, by writeGroup, as the campaign run whole writes them.
func writeMerged(s *Summary, parts []Summary, from, groupFrom []mergeSource, o MergeOptions) error {
	if p := o.Protocol; p == nil {
		return fmt.Errorf("campaign: merging into a folder needs the protocol")
	}
	locate := func(part int, path string) string {
		if o.Locate != nil {
			return o.Locate(part, path)
		}
		return path
	}
	out, err := openOut(o.OutDir, o.Program)
	if err != nil {
		return err
	}
	defer out.close()
	recorded := map[uint64]*Failure{} // seed -> the failure as its shard recorded it
	for i := range parts {
		for j := range parts[i].Failures {
			recorded[parts[i].Failures[j].Seed] = &parts[i].Failures[j]
		}
	}
	for i := range s.Failures {
		f := &s.Failures[i]
		if err := copyReproducer(out, o.Protocol, f, recorded[f.Seed], func(path string) string { return locate(from[i].part, path) }); err != nil {
			return err
		}
	}
	for k := range s.Groups {
		g := &s.Groups[k]
		if src := groupFrom[k].group; src != nil {
			if src.Dir == "" || src.DirError != "" {
				return fmt.Errorf("group %s: its shard wrote no folder (%s)", g.Signature, cmp.Or(src.DirError, "no --out"))
			}
			if err := loadGroupFiles(g, locate(groupFrom[k].part, src.Dir)); err != nil {
				return fmt.Errorf("group %s: %w", g.Signature, err)
			}
		}
		if err := writeGroup(out, o.Protocol, g); err != nil {
			return err
		}
	}
	return nil
}

// copyReproducer writes merged failure f's reproducer into its group's
// folder of out, from the file its shard recorded (rec), found by locate.
func copyReproducer(out *outDir, p *harness.Protocol, f, rec *Failure, locate func(string) string) error {
	if rec == nil || rec.Reproducer == "" || rec.ReproducerError != "" {
		why := "no --out"
		if rec != nil && rec.ReproducerError != "" {
			why = rec.ReproducerError
		}
		return fmt.Errorf("seed %d: its shard wrote no reproducer (%s): run the shards with --out", f.Seed, why)
	}
	r, _, err := ReadReproducer(locate(rec.Reproducer), only(p))
	if err != nil {
		return fmt.Errorf("seed %d: %w", f.Seed, err)
	}
	if r.Seed != f.Seed {
		return fmt.Errorf("seed %d: its reproducer %s is of seed %d", f.Seed, locate(rec.Reproducer), r.Seed)
	}
	f.Reproducer, err = out.writeReproducer(f.Signature, r)
	return err
}

// loadGroupFiles reads what writeGroup wrote into dir for the
// representative of g: its decision trace, its shrunk trace and its
// history page, each when the group has it.
func loadGroupFiles(g *Group, dir string) error {
	seed := g.Representative
	var err error
	if g.StepsBefore > 0 {
		if g.trace, err = trace.ReadFile(filepath.Join(dir, fmt.Sprintf("seed-%d.trace", seed))); err != nil {
			return err
		}
	}
	if g.StepsAfter > 0 {
		if g.shrunk, err = trace.ReadFile(filepath.Join(dir, shrunkFile)); err != nil {
			return err
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, linearizabilityFile))
	switch {
	case err == nil:
		g.history = page
	case !os.IsNotExist(err):
		return err
	}
	return nil
}

func seedRange(s *Summary) string {
	if s.Requested == 0 {
		return fmt.Sprintf("the empty range at seed %d", s.Start)
	}
	return fmt.Sprintf("seeds %d..%d", s.Start, s.Start+s.Requested-1)
}

// mergeField combines src into dst by rule; first says dst is still the
// zero value, before the first part.
func mergeField(rule mergeRule, first bool, dst, src reflect.Value) error {
	switch rule {
	case sum:
		return add(dst, src)
	case least, greatest, either:
		if !isScalar(dst.Kind()) {
			return fmt.Errorf("rule %d needs a number or a boolean, not %s", rule, dst.Type())
		}
		if first || (rule == least && less(src, dst)) || (rule == greatest && less(dst, src)) || (rule == either && src.Bool()) {
			dst.Set(src)
		}
		return nil
	}
	return fmt.Errorf("unknown rule %d", rule)
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func isNumber(k reflect.Kind) bool { return isScalar(k) && k != reflect.Bool }

func less(a, b reflect.Value) bool {
	switch {
	case a.CanInt():
		return a.Int() < b.Int()
	case a.CanUint():
		return a.Uint() < b.Uint()
	case a.CanFloat():
		return a.Float() < b.Float()
	case a.Kind() == reflect.Bool:
		return !a.Bool() && b.Bool()
	}
	return false
}

// add adds src into dst: the sum rule. It allocates maps, slices and
// pointers that dst lacks and src has (even empty ones, so that an empty
// map stays {} in JSON rather than null), and never aliases src's.
func add(dst, src reflect.Value) error {
	switch k := dst.Kind(); {
	case dst.CanInt():
		dst.SetInt(dst.Int() + src.Int())
	case dst.CanUint():
		dst.SetUint(dst.Uint() + src.Uint())
	case dst.CanFloat():
		dst.SetFloat(dst.Float() + src.Float())
	case k == reflect.Map:
		if src.IsNil() {
			return nil
		}
		if dst.IsNil() {
			dst.Set(reflect.MakeMapWithSize(dst.Type(), src.Len()))
		}
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(dst.Type().Elem()).Elem()
			if old := dst.MapIndex(it.Key()); old.IsValid() {
				v.Set(old)
			}
			if err := add(v, it.Value()); err != nil {
				return err
			}
			dst.SetMapIndex(it.Key(), v)
		}
	case k == reflect.Slice:
		if !isNumber(dst.Type().Elem().Kind()) {
			return fmt.Errorf("no sum of %s: only slices of numbers add element by element; give the field its own rule", dst.Type())
		}
		if src.IsNil() {
			return nil
		}
		if dst.IsNil() || dst.Len() < src.Len() {
			grown := reflect.MakeSlice(dst.Type(), src.Len(), src.Len())
			if !dst.IsNil() {
				reflect.Copy(grown, dst)
			}
			dst.Set(grown)
		}
		for i := range src.Len() {
			if err := add(dst.Index(i), src.Index(i)); err != nil {
				return err
			}
		}
	case k == reflect.Array:
		for i := range src.Len() {
			if err := add(dst.Index(i), src.Index(i)); err != nil {
				return err
			}
		}
	case k == reflect.Pointer:
		if src.IsNil() {
			return nil
		}
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return add(dst.Elem(), src.Elem())
	case k == reflect.Struct:
		for i := range dst.NumField() {
			if !dst.Type().Field(i).IsExported() {
				return fmt.Errorf("no sum of %s: field %s is unexported", dst.Type(), dst.Type().Field(i).Name)
			}
			if err := add(dst.Field(i), src.Field(i)); err != nil {
				return fmt.Errorf("%s.%s: %v", dst.Type(), dst.Type().Field(i).Name, err)
			}
		}
	default:
		return fmt.Errorf("no sum of %s", dst.Type())
	}
	return nil
}
