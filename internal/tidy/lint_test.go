package tidy

import (
	"go/parser"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// copyPackage copies pkg's files into a temporary directory, adds extra
// (file name to source), and returns the copy, under the same import path.
func copyPackage(t *testing.T, pkg Package, extra map[string]string) Package {
	t.Helper()
	dir := t.TempDir()
	out := Package{Path: pkg.Path, Rel: pkg.Rel, Dir: dir}
	for _, f := range pkg.Files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out.Files = append(out.Files, writeFile(t, dir, filepath.Base(f), string(src)))
	}
	for name, src := range extra {
		out.Files = append(out.Files, writeFile(t, dir, name, src))
	}
	slices.Sort(out.Files)
	return out
}

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// findPackage is the package of m in dir.
func findPackage(t *testing.T, m *Module, dir string) Package {
	t.Helper()
	for _, p := range m.Packages {
		if p.Rel == dir {
			return p
		}
	}
	t.Fatalf("no package in %s", dir)
	return Package{}
}

// wants reads the "// want RULE" marks of src: line number to rule.
func wants(src string) map[int]string {
	out := map[int]string{}
	for i, line := range strings.Split(src, "\n") {
		if _, rule, ok := strings.Cut(line, "// want "); ok {
			out[i+1] = strings.TrimSpace(rule)
		}
	}
	return out
}

// checkWants lints files as the package path and compares the findings in
// the file named probe with its want marks, one finding per marked line;
// the other files must have none.
func checkWants(t *testing.T, m *Module, path string, files []string, probe, src string) {
	t.Helper()
	findings, err := m.Determinism(path, files)
	if err != nil {
		t.Fatal(err)
	}
	want := wants(src)
	got := map[int][]string{}
	for _, f := range findings {
		if filepath.Base(f.Pos.Filename) != probe {
			t.Errorf("finding outside the probe: %s", f)
			continue
		}
		got[f.Pos.Line] = append(got[f.Pos.Line], f.Rule)
	}
	for line, rule := range want {
		if !slices.Equal(got[line], []string{rule}) {
			t.Errorf("%s:%d: %s: got %v, want [%s]", probe, line, strings.TrimSpace(strings.Split(src, "\n")[line-1]), got[line], rule)
		}
	}
	for line, rules := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("%s:%d: %s: unexpected %v", probe, line, strings.TrimSpace(strings.Split(src, "\n")[line-1]), rules)
		}
	}
}

// probe plants every banned construct into protocol/multipaxos, which the
// old lint never scanned: each line marked "// want RULE" must be flagged
// with RULE, once, and no other line.
const probe = `package multipaxos

import (
	"context"
	crand "crypto/rand"
	"maps"
	oldrand "math/rand"
	"math/rand/v2"
	"slices"
	"sync"
	clock "time"
	"time"

	"github.com/anishathalye/porcupine"
)

var probeNow = time.Now // want clock

func probeClock() {
	_ = time.Now()                // want clock
	_ = clock.Since(clock.Time{}) // want clock
	now := clock.Now              // want clock
	_ = now()
	time.Sleep(time.Millisecond)   // want clock
	<-time.After(time.Millisecond) // want clock
	t := time.NewTimer(0)          // want clock
	t.Stop()
	_, cancel := context.WithTimeout(context.Background(), time.Second) // want clock
	cancel()
	_ = 3 * time.Second // durations are values: allowed
	_ = probeNow
	_ = porcupine.CheckOperationsTimeout // want clock
	_ = porcupine.CheckOperations        // no timeout: allowed
}

func probeRand() int {
	r := rand.New(rand.NewPCG(1, 2)) // a seeded source: allowed
	n := r.IntN(3)                   // its methods: allowed
	n += rand.IntN(3)                // want rand
	n += int(rand.Int64N(3))         // want rand
	n += int(rand.Uint64N(3))        // want rand
	n += oldrand.Intn(3)             // want rand
	n += rand.N[int](3)              // want rand
	draw := rand.Uint32              // want rand
	_, _ = crand.Read(nil)           // want rand
	return n + int(draw())
}

func probeGoroutines(ch chan int) {
	go func() {}() // want go
	var wg sync.WaitGroup
	wg.Go(func() {}) // want go
	wg.Wait()
	select { // want select
	case <-ch:
	default:
	}
}

func probeMaps(m map[string]int, h probeHolder) (sum int) {
	for _, v := range m { // want map-order
		sum += v
	}
	for k := range h.idx { // want map-order
		sum += k
	}
	for k := range maps.Keys(m) { // want map-order
		sum += len(k)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) { // sorted first: allowed
		sum += len(k)
	}
	// order-free: a sum
	for _, v := range m {
		sum += v
	}
	var sm sync.Map
	sm.Range(func(k, v any) bool { return true }) // want map-order
	return sum
}
`

// probeTypes declares, in another file, the map the probe ranges over
// through a struct field.
const probeTypes = `package multipaxos

type probeIndex map[int]int

type probeHolder struct{ idx probeIndex }
`

// TestLintCatchesPlantedConstructs: every banned construct, planted into a
// copy of protocol/multipaxos, is flagged where it is written.
func TestLintCatchesPlantedConstructs(t *testing.T) {
	m := loadRepo(t)
	pkg := copyPackage(t, findPackage(t, m, "protocol/multipaxos"), map[string]string{"probe.go": probe, "probe_types.go": probeTypes})
	checkWants(t, m, pkg.Path, pkg.Files, "probe.go", probe)
}

// TestRandAPI walks the real API of math/rand and math/rand/v2 (as the
// type checker sees it, so a name added by a later Go is covered) and
// expects every package-level function that draws from the global source
// to be flagged, and the constructors of seeded sources not to be.
func TestRandAPI(t *testing.T) {
	m := loadRepo(t)
	for _, path := range []string{"math/rand", "math/rand/v2"} {
		pkg, err := m.imp.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		src := "package probe\n\nimport rnd " + `"` + path + `"` + "\n\n"
		var names []string
		for _, name := range pkg.Scope().Names() {
			fn, ok := pkg.Scope().Lookup(name).(*types.Func)
			if !ok || !fn.Exported() {
				continue
			}
			names = append(names, name)
			ref := "rnd." + name
			if fn.Signature().TypeParams().Len() > 0 {
				ref += "[int]"
			}
			mark := " // want rand"
			if randConstructors[name] {
				mark = ""
			}
			src += "var _ = " + ref + mark + "\n"
		}
		if path == "math/rand/v2" {
			for _, name := range []string{"Int64N", "Uint64N", "Uint32N", "Int32N", "UintN", "Uint", "Int64", "IntN", "N", "Perm", "Shuffle", "Float64", "NormFloat64"} {
				if !slices.Contains(names, name) {
					t.Errorf("%s has no %s: the probe does not see the real API", path, name)
				}
			}
		}
		dir := t.TempDir()
		file := writeFile(t, dir, "probe.go", src)
		checkWants(t, m, m.Path+"/internal/tidy/probe", []string{file}, "probe.go", src)
	}
}

// TestDotImport: a dot import of time leaves Now unqualified; the use is
// still flagged.
func TestDotImport(t *testing.T) {
	m := loadRepo(t)
	src := "package probe\n\nimport . \"time\"\n\nvar started = Now() // want clock\n\nvar _ = Since(started) // want clock\n"
	file := writeFile(t, t.TempDir(), "probe.go", src)
	checkWants(t, m, m.Path+"/internal/tidy/probe", []string{file}, "probe.go", src)
}

// TestLintScansEverySimulationPackage plants, as the acceptance script
// does, a function reading the wall clock into a copy of every package the
// policy does not free, and expects the whole lint, waivers applied, to
// flag it there: no package is left out by a list of directories, and no
// waiver covers a function it does not name.
func TestLintScansEverySimulationPackage(t *testing.T) {
	m := loadRepo(t)
	var scanned []string
	for _, pkg := range m.Packages {
		if policy.IsFree(pkg.Rel) || len(pkg.Files) == 0 {
			continue
		}
		f, err := parser.ParseFile(m.Fset, pkg.Files[0], nil, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		src := "package " + f.Name.Name + "\n\nimport \"time\"\n\nfunc tidyPlanted() int64 { return time.Now().UnixNano() }\n"
		planted := *m
		planted.Packages = []Package{copyPackage(t, pkg, map[string]string{"tidy_probe.go": src})}
		findings, _, err := planted.Lint(policy)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(findings, func(f Finding) bool { return f.Func == "tidyPlanted" && f.Rule == Clock }) {
			t.Errorf("%s: time.Now planted in tidyPlanted was not flagged: %v", pkg.Rel, findings)
		}
		scanned = append(scanned, pkg.Rel)
	}
	for _, dir := range []string{"protocol/multipaxos", "checker/linearize", "campaign", "engine", "trace", "script", "model", "sim", "explore", "mutants"} {
		if !slices.Contains(scanned, dir) {
			t.Errorf("%s is not scanned (scanned: %v)", dir, scanned)
		}
	}
}

// TestRatchet: an offender may shrink (and its entry must follow), never
// grow; an entry under the limit, or of a function gone, must go; a new
// function over the limit fails.
func TestRatchet(t *testing.T) {
	at := func(fn string, lines int) FuncLength {
		return FuncLength{Dir: "d", Func: fn, File: "f.go", Lines: lines}
	}
	listed := []FuncLength{at("same", 80), at("grew", 80), at("shrank", 80), at("fits", 80), at("gone", 80)}
	got := ratchet([]FuncLength{at("same", 80), at("grew", 81), at("shrank", 75), at("fits", 70), at("new", 71), at("short", 12)}, listed, 70)
	want := []string{
		"d: grew (f.go) grew from 80 to 81 lines; offenders may only shrink: shorten it to 70 lines or fewer",
		"d: shrank (f.go) shrank from 80 to 75 lines: lower its entry in offenders to 75",
		"d: fits (f.go) is 70 lines now, within the limit of 70: remove its entry from offenders",
		"d: gone is listed in offenders but no longer exists: remove its entry",
		"d: new (f.go) is 71 lines, over the limit of 70: split it",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFuncLengthsCount: lines from the func keyword to the closing brace,
// both included, the doc comment left out, a method named Type.Name.
func TestFuncLengthsCount(t *testing.T) {
	src := "package p\n\n// F is three lines.\nfunc F() {\n\t_ = func() {}\n}\n\ntype T[X any] struct{}\n\n// M is one.\nfunc (*T[X]) M() {}\n"
	m := &Module{Fset: loadRepo(t).Fset, Packages: []Package{{Rel: "p", Files: []string{writeFile(t, t.TempDir(), "p.go", src)}}}}
	all, err := m.FuncLengths()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range all {
		got = append(got, f.Func+" "+strconv.Itoa(f.Lines))
	}
	if want := []string{"F 3", "T.M 1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
