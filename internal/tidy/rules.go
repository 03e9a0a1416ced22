package tidy

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// The determinism rules, by name.
const (
	Clock    = "clock"     // the wall clock and timers on it
	Rand     = "rand"      // a random source not seeded by the run
	Go       = "go"        // a goroutine
	Select   = "select"    // a select statement
	MapOrder = "map-order" // iteration in a map's random order
)

// Finding is one breach of a rule.
type Finding struct {
	Pos  token.Position
	Rule string
	Func string // the enclosing function, Name or Type.Name; "" outside any
	Msg  string
}

// String is the finding as a test reports it: position, message, rule.
func (f Finding) String() string { return fmt.Sprintf("%s: %s [%s]", f.Pos, f.Msg, f.Rule) }

// clockFuncs are the functions that read or wait on the wall clock, with
// what to use instead.
var clockFuncs = map[string]string{
	"time.Now":                  "virtual time (sim.Env.Now)",
	"time.Since":                "virtual time (sim.Env.Now)",
	"time.Until":                "virtual time (sim.Env.Now)",
	"time.Sleep":                "a timer set through the Env",
	"time.After":                "a timer set through the Env",
	"time.AfterFunc":            "a timer set through the Env",
	"time.Tick":                 "a timer set through the Env",
	"time.NewTimer":             "a timer set through the Env",
	"time.NewTicker":            "a timer set through the Env",
	"context.WithTimeout":       "a budget counted in steps or virtual time",
	"context.WithTimeoutCause":  "a budget counted in steps or virtual time",
	"context.WithDeadline":      "a budget counted in steps or virtual time",
	"context.WithDeadlineCause": "a budget counted in steps or virtual time",
	// porcupine's searches with a timeout stop on the wall clock.
	porcupine + ".CheckOperationsTimeout": "a budget counted in search steps",
	porcupine + ".CheckOperationsVerbose": "a budget counted in search steps",
	porcupine + ".CheckEventsTimeout":     "a budget counted in search steps",
	porcupine + ".CheckEventsVerbose":     "a budget counted in search steps",
}

const porcupine = "github.com/anishathalye/porcupine"

// randConstructors are the functions of math/rand and math/rand/v2 that
// build a source from a seed the caller gives; every other function of
// those packages draws from the process-wide source.
var randConstructors = map[string]bool{"New": true, "NewSource": true, "NewPCG": true, "NewChaCha8": true, "NewZipf": true}

// mapIterators yield a map's entries in the map's random order; sorted is
// what makes them safe when it takes them directly.
var (
	mapIterators = map[string]bool{"maps.Keys": true, "maps.Values": true, "maps.All": true}
	sorted       = map[string]bool{"slices.Sorted": true, "slices.SortedFunc": true, "slices.SortedStableFunc": true}
)

// banned says which rule a use of obj breaks, the name it breaks it by, and
// what to do instead; ""
// when it breaks none. Uses are matched by the object they resolve to, so a
// renamed or dot import, a method value or a package-level alias of the
// function is caught as a call is.
func banned(obj types.Object) (rule, full, instead string) {
	if obj == nil || obj.Pkg() == nil {
		return "", "", ""
	}
	fn, isFunc := obj.(*types.Func)
	full = obj.Pkg().Path() + "." + obj.Name()
	if isFunc {
		full = fn.FullName()
	}
	rule, instead = bannedAs(obj, fn, full)
	return rule, full, instead
}

func bannedAs(obj types.Object, fn *types.Func, full string) (rule, instead string) {
	isFunc := fn != nil
	switch path := obj.Pkg().Path(); {
	case clockFuncs[full] != "":
		return Clock, clockFuncs[full]
	case path == "crypto/rand":
		return Rand, "the run's seeded source (sim.Env.Rand) or the Decider"
	case (path == "math/rand" || path == "math/rand/v2") && isFunc && fn.Signature().Recv() == nil && !randConstructors[fn.Name()]:
		return Rand, "the run's seeded source (sim.Env.Rand) or the Decider"
	case full == "(*sync.WaitGroup).Go":
		return Go, "one goroutine: a simulation runs on one"
	case full == "(*sync.Map).Range":
		return MapOrder, "a sorted slice of keys"
	case mapIterators[full]:
		return MapOrder, "slices.Sorted(" + full + "(m)), or mark the line // order-free: why"
	}
	return "", ""
}

// Determinism returns every breach of the determinism rules in files,
// which make up the package path: wall clocks, random sources the run did
// not seed, goroutines, select, and iteration in a map's order. A map may
// be iterated where the order cannot matter: a comment "order-free: why" on
// the loop's line or the line above marks it.
func (m *Module) Determinism(path string, files []string) ([]Finding, error) {
	parsed, err := m.Parse(files)
	if err != nil {
		return nil, err
	}
	info, err := m.TypeCheck(path, parsed)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", path, err)
	}
	var out []Finding
	for _, f := range parsed {
		out = append(out, m.fileFindings(f, info)...)
	}
	return out, nil
}

// fileFindings walks one file's declarations.
func (m *Module) fileFindings(f *ast.File, info *types.Info) []Finding {
	w := walker{m: m, info: info, orderFree: map[int]bool{}, sanctioned: map[*ast.Ident]bool{}}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.Contains(c.Text, "order-free:") {
				line := m.Fset.Position(c.Slash).Line
				w.orderFree[line], w.orderFree[line+1] = true, true
			}
		}
	}
	for _, d := range f.Decls {
		w.fn = ""
		if fd, ok := d.(*ast.FuncDecl); ok {
			w.fn = FuncName(fd)
		}
		ast.Inspect(d, w.visit)
	}
	return w.out
}

// walker collects the findings of one file.
type walker struct {
	m          *Module
	info       *types.Info
	orderFree  map[int]bool
	sanctioned map[*ast.Ident]bool // map iterators passed straight to a sort
	fn         string
	out        []Finding
}

func (w *walker) add(n ast.Node, rule, msg string) {
	pos := w.m.Fset.Position(n.Pos())
	if rule == MapOrder && w.orderFree[pos.Line] {
		return
	}
	w.out = append(w.out, Finding{Pos: pos, Rule: rule, Func: w.fn, Msg: msg})
}

func (w *walker) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.GoStmt:
		w.add(n, Go, "go statement: a simulation runs on one goroutine")
	case *ast.SelectStmt:
		w.add(n, Select, "select: its choice among ready channels is random")
	case *ast.RangeStmt:
		if t := w.info.TypeOf(n.X); t != nil {
			if _, ok := t.Underlying().(*types.Map); ok {
				w.add(n, MapOrder, "range over a map: its order is random; sort the keys, or mark the loop // order-free: why")
			}
		}
	case *ast.CallExpr:
		if sorted[w.callee(n.Fun)] && len(n.Args) > 0 {
			if inner, ok := ast.Unparen(n.Args[0]).(*ast.CallExpr); ok {
				if id := calleeIdent(inner.Fun); id != nil {
					w.sanctioned[id] = true
				}
			}
		}
	case *ast.Ident:
		if w.sanctioned[n] {
			return true
		}
		if rule, full, instead := banned(w.info.Uses[n]); rule != "" {
			w.add(n, rule, fmt.Sprintf("%s is banned here; use %s", full, instead))
		}
	}
	return true
}

// callee is the full name of the function fun denotes, or "".
func (w *walker) callee(fun ast.Expr) string {
	id := calleeIdent(fun)
	if id == nil {
		return ""
	}
	if fn, ok := w.info.Uses[id].(*types.Func); ok {
		return fn.FullName()
	}
	return ""
}

// calleeIdent is the identifier naming the function in a call's Fun:
// f, pkg.f, x.m, f[T].
func calleeIdent(fun ast.Expr) *ast.Ident {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	case *ast.IndexExpr:
		return calleeIdent(f.X)
	case *ast.IndexListExpr:
		return calleeIdent(f.X)
	}
	return nil
}

// FuncName names a declared function as waivers and the length ratchet
// do: Name for a function, Type.Name for a method (no pointer, no type
// parameters).
func FuncName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}
