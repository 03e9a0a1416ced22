package srcmut

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/internal/tidy"
)

// Set is every mutant of some packages, with what it takes to build them
// all into one binary (Schema) and to check that each compiles alone
// (Compiles).
type Set struct {
	Mutants []*Mutant
	mod     *tidy.Module
	pkgs    []*pkgState
	ops     map[string]bool
}

// pkgState is one mutated package.
type pkgState struct {
	path  string
	dir   string
	files []*fileState
	asts  []*ast.File
}

// fileState is one file of a mutated package.
type fileState struct {
	abs, rel string
	src      []byte
	roots    []*site // its sites, nested
	first    int     // the index of its first mutant in Set.Mutants
	count    int
}

// Generate loads the module rooted at root (go list -export) and
// generates the mutants of the non-test files of the packages whose
// directories dirs name (relative to root; "dir/..." for dir and every
// package below it), in the order of their directories, files and
// source, with the operators ops (nil: DefaultOperators). A package that
// does not type-check is an error, and so is an unknown operator.
func Generate(root string, dirs, ops []string) (*Set, error) {
	on := map[string]bool{}
	if len(ops) == 0 {
		ops = DefaultOperators
	}
	for _, op := range ops {
		if !slices.Contains(Operators, op) {
			return nil, fmt.Errorf("unknown operator %q (known: %s)", op, strings.Join(Operators, ", "))
		}
		on[op] = true
	}
	mod, err := tidy.Load(root)
	if err != nil {
		return nil, err
	}
	s := &Set{mod: mod, ops: on}
	next := 0
	for _, p := range mod.Packages {
		if !matches(p.Rel, dirs) || len(p.Files) == 0 {
			continue
		}
		if err := s.addPackage(p, &next); err != nil {
			return nil, err
		}
	}
	if len(s.pkgs) == 0 {
		return nil, fmt.Errorf("no Go package in %s under %s", strings.Join(dirs, ", "), mod.Root)
	}
	return s, nil
}

// matches: the directory rel is one of dirs, or below a "dir/..." of them.
func matches(rel string, dirs []string) bool {
	for _, d := range dirs {
		d = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(d)), "./")
		if base, ok := strings.CutSuffix(d, "/..."); ok {
			if rel == base || strings.HasPrefix(rel, base+"/") || base == "." {
				return true
			}
		} else if rel == d {
			return true
		}
	}
	return false
}

// addPackage generates one package's mutants.
func (s *Set) addPackage(p tidy.Package, next *int) error {
	asts, err := s.mod.Parse(p.Files)
	if err != nil {
		return err
	}
	info, pkg, err := s.check(p.Path, asts)
	if err != nil {
		return fmt.Errorf("package %s does not type-check: %v", p.Path, err)
	}
	ps := &pkgState{path: p.Path, dir: p.Dir, asts: asts}
	skip := outOfScope(asts, info, pkg)
	for i, f := range asts {
		src, err := os.ReadFile(p.Files[i])
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.mod.Root, p.Files[i])
		g := &fileGen{rel: filepath.ToSlash(rel), src: src, fset: s.mod.Fset, file: f, info: info, pkg: pkg,
			skip: skip, ops: s.ops, ordinal: map[string]int{}, next: next}
		g.walk()
		fs := &fileState{abs: p.Files[i], rel: g.rel, src: src, roots: nest(g.sites), first: len(s.Mutants), count: len(g.mutants)}
		s.Mutants = append(s.Mutants, g.mutants...)
		ps.files = append(ps.files, fs)
	}
	s.pkgs = append(s.pkgs, ps)
	return nil
}

// check type-checks files as the package path.
func (s *Set) check(path string, files []*ast.File) (*types.Info, *types.Package, error) {
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Uses:  map[*ast.Ident]types.Object{},
		Defs:  map[*ast.Ident]types.Object{},
	}
	var first error
	conf := types.Config{Importer: s.mod.Importer(), Error: func(err error) {
		if first == nil {
			first = err
		}
	}}
	pkg, _ := conf.Check(path, s.mod.Fset, files, info)
	return info, pkg, first
}

// Compiles type-checks each mutant alone, the original package with its
// one change, and returns the error of each that does not compile (nil
// for one that does), by index in Mutants.
func (s *Set) Compiles() ([]error, error) {
	out := make([]error, len(s.Mutants))
	for _, p := range s.pkgs {
		for fi, f := range p.files {
			for i := f.first; i < f.first+f.count; i++ {
				m := s.Mutants[i]
				ast1, err := parser.ParseFile(s.mod.Fset, f.abs, m.apply(f.src), parser.SkipObjectResolution)
				if err != nil {
					out[i] = err
					continue
				}
				files := append([]*ast.File(nil), p.asts...)
				files[fi] = ast1
				_, _, out[i] = s.check(p.path, files)
			}
		}
	}
	return out, nil
}

// ErrNoMutants is Generate's packages having no mutant at all.
var ErrNoMutants = errors.New("no mutant: nothing to mutate in the packages named")
