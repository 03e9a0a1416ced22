package tidy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// deterministic lists the packages whose code runs inside a simulation.
var deterministic = []string{"sim", "protocol", "checker", "scenarios", "fingerprint", "explore/spec"}

// banned maps a selector (package.Name) to what to use instead.
var banned = map[string]string{
	"time.Now":         "virtual time from the Env",
	"time.Since":       "virtual time from the Env",
	"time.Sleep":       "a timer set through the Env",
	"rand.Int":         "Env.Rand or the Decider",
	"rand.Intn":        "Env.Rand or the Decider",
	"rand.IntN":        "Env.Rand or the Decider",
	"rand.N":           "Env.Rand or the Decider",
	"rand.Float64":     "the Decider",
	"rand.Shuffle":     "the Decider",
	"rand.Perm":        "the Decider",
	"rand.Uint64":      "the Decider",
	"rand.Uint32":      "the Decider",
	"rand.Int32":       "the Decider",
	"rand.Int64":       "the Decider",
	"rand.Int63":       "the Decider",
	"rand.Float32":     "the Decider",
	"rand.ExpFloat64":  "the Decider",
	"rand.NormFloat64": "the Decider",
	"time.After":       "a timer set through the Env",
	"time.Tick":        "a timer set through the Env",
	"time.NewTimer":    "a timer set through the Env",
	"time.Until":       "virtual time from the Env",
}

// TestDeterminismRules bans wall clocks, the global random source,
// goroutines, select and ranging over maps in the simulation's packages.
// A map may be ranged over only where the order cannot matter; mark such a
// loop with a "// order-free:" comment saying why.
func TestDeterminismRules(t *testing.T) {
	for _, dir := range deterministic {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			checkFile(t, path)
		}
	}
}

func checkFile(t *testing.T, path string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	orderFree := map[int]bool{}
	for _, cg := range f.Comments {
		if strings.Contains(cg.Text(), "order-free:") {
			orderFree[fset.Position(cg.End()).Line+1] = true
		}
	}
	for _, imp := range f.Imports {
		if imp.Name != nil && (imp.Path.Value == `"time"` || imp.Path.Value == `"math/rand"` || imp.Path.Value == `"math/rand/v2"`) {
			t.Errorf("%s: %s imported as %s: the ban list matches the package's own name", fset.Position(imp.Pos()), imp.Path.Value, imp.Name.Name)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		pos := fset.Position(n.Pos())
		switch n := n.(type) {
		case *ast.GoStmt:
			t.Errorf("%s: go statement: a simulation runs on one goroutine", pos)
		case *ast.SelectStmt:
			t.Errorf("%s: select: its choice among ready channels is random", pos)
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				if instead, ok := banned[id.Name+"."+n.Sel.Name]; ok {
					t.Errorf("%s: %s.%s is banned here; use %s", pos, id.Name, n.Sel.Name, instead)
				}
			}
		case *ast.RangeStmt:
			if isMapRange(f, n) && !orderFree[pos.Line] {
				t.Errorf("%s: range over a map: its order is random; sort the keys, or mark the loop // order-free: why", pos)
			}
		}
		return true
	})
}

// isMapRange spots ranges over expressions declared as maps in the same
// file: struct fields and variables of map type. It is a syntactic check,
// enough for the small packages it guards.
func isMapRange(f *ast.File, r *ast.RangeStmt) bool {
	name := ""
	switch x := r.X.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	default:
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch d := n.(type) {
		case *ast.Field:
			if _, ok := d.Type.(*ast.MapType); ok {
				for _, id := range d.Names {
					found = found || id.Name == name
				}
			}
		case *ast.ValueSpec:
			if _, ok := d.Type.(*ast.MapType); ok {
				for _, id := range d.Names {
					found = found || id.Name == name
				}
			}
		case *ast.AssignStmt:
			for i, rhs := range d.Rhs {
				if call, ok := rhs.(*ast.CallExpr); ok && i < len(d.Lhs) {
					if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "make" && len(call.Args) > 0 {
						if _, ok := call.Args[0].(*ast.MapType); ok {
							if id, ok := d.Lhs[i].(*ast.Ident); ok {
								found = found || id.Name == name
							}
						}
					}
				}
			}
		}
		return true
	})
	return found
}
