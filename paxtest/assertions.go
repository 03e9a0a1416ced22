package paxtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// SourceAssertion is an assertion call found in a protocol's source.
type SourceAssertion struct {
	Name string
	Kind sim.AssertKind
	At   string // file:line
}

// AssertionsInSource lists the assertion calls (x.Always, x.Sometimes,
// x.Reachable on a node's Env) in the non-test Go files of the package in
// dir, in file and line order. A call's name must be a string literal or
// a constant of the package declared with one; any other is an error, as
// a name computed at run time cannot be declared.
func AssertionsInSource(dir string) ([]SourceAssertion, error) {
	fset := token.NewFileSet()
	files, err := parsePackage(fset, dir)
	if err != nil {
		return nil, err
	}
	consts := stringConsts(files)
	var out []SourceAssertion
	for _, f := range files {
		var bad error
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || bad != nil {
				return bad == nil
			}
			kind, arg := assertCall(call)
			if kind == 0 {
				return true
			}
			at := fset.Position(call.Pos())
			name, ok := literal(arg, consts)
			if !ok {
				bad = fmt.Errorf("%s:%d: the name of a %s assertion is not a string constant", filepath.Base(at.Filename), at.Line, kind)
				return false
			}
			out = append(out, SourceAssertion{Name: name, Kind: kind, At: fmt.Sprintf("%s:%d", filepath.Base(at.Filename), at.Line)})
			return true
		})
		if bad != nil {
			return nil, bad
		}
	}
	return out, nil
}

// AssertionsDeclared fails t unless the assertions that the protocol's
// code in dir makes (AssertionsInSource) are exactly those its Info
// declares (engine.Info.Assertions), each of the kind declared: what a
// campaign checks for coverage is then every assertion in the source, and
// a review of Info.Assertions is a review of them all.
func AssertionsDeclared(t testing.TB, dir string, info *engine.Info) {
	t.Helper()
	found, err := AssertionsInSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range found {
		i := slices.IndexFunc(info.Assertions, func(d engine.Assertion) bool { return d.Name == a.Name })
		switch {
		case i < 0:
			t.Errorf("%s: %s assertion %q is not declared in %s's Info.Assertions", a.At, a.Kind, a.Name, info.Name)
		case info.Assertions[i].Kind != a.Kind:
			t.Errorf("%s: assertion %q is a %s one; %s's Info declares it %s", a.At, a.Name, a.Kind, info.Name, info.Assertions[i].Kind)
		}
	}
	for _, d := range info.Assertions {
		if !slices.ContainsFunc(found, func(a SourceAssertion) bool { return a.Name == d.Name }) {
			t.Errorf("%s declares %s assertion %q, which no code in %s makes", info.Name, d.Kind, d.Name, dir)
		}
	}
}

func parsePackage(fset *token.FileSet, dir string) ([]*ast.File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go source in %s", dir)
	}
	return files, nil
}

// stringConsts maps the package's constants declared with a string
// literal to their values.
func stringConsts(files []*ast.File) map[string]string {
	consts := make(map[string]string)
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := literal(vs.Values[i], nil); ok {
							consts[id.Name] = v
						}
					}
				}
			}
		}
	}
	return consts
}

// assertCall says whether call is an assertion (a method Always,
// Sometimes or Reachable), of which kind, and its name argument.
func assertCall(call *ast.CallExpr) (sim.AssertKind, ast.Expr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return 0, nil
	}
	switch {
	case sel.Sel.Name == "Always" && len(call.Args) == 2:
		return sim.AssertAlways, call.Args[1]
	case sel.Sel.Name == "Sometimes" && len(call.Args) == 2:
		return sim.AssertSometimes, call.Args[1]
	case sel.Sel.Name == "Reachable" && len(call.Args) == 1:
		return sim.AssertReachable, call.Args[0]
	}
	return 0, nil
}

// literal is e's string value: a string literal, or a constant of consts.
func literal(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	}
	return "", false
}
