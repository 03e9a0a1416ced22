package tidy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Package is one Go package of the module under lint.
type Package struct {
	Path  string   // import path
	Rel   string   // directory relative to the module's root, slash-separated; "." for the root
	Dir   string   // absolute directory
	Files []string // non-test Go files, absolute paths, sorted
}

// Module is a loaded module: its packages, and export data for every
// package they import, so that any file can be type-checked.
type Module struct {
	Path     string
	Root     string
	Packages []Package // sorted by Rel
	Fset     *token.FileSet
	exports  map[string]string
	imp      types.Importer
}

// stdlib are loaded besides the module's own dependencies, so a probe that
// plants a banned call type-checks even where the package never imported
// the banned package.
var stdlib = []string{"time", "math/rand", "math/rand/v2", "crypto/rand", "maps", "slices", "sync", "context"}

// listed is what go list -json reports of a package.
type listed struct {
	ImportPath, Dir, Export string
	GoFiles, CgoFiles       []string
	Standard, DepOnly       bool
	Module                  *struct {
		Path string
		Main bool
	}
	Error *struct{ Err string }
}

// Load lists the packages of the module rooted at root with the go
// command, building export data for them and their dependencies. A package
// that does not build is an error.
func Load(root string) (*Module, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	args := append([]string{"list", "-e", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles,Standard,DepOnly,Module,Error", "./..."}, stdlib...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list in %s: %v\n%s", root, err, stderr.String())
	}
	m := &Module{Root: root, Fset: token.NewFileSet(), exports: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list in %s: %v", root, err)
		}
		if err := m.add(p); err != nil {
			return nil, err
		}
	}
	if m.Path == "" {
		return nil, fmt.Errorf("go list in %s: no packages of the module", root)
	}
	slices.SortFunc(m.Packages, func(a, b Package) int { return strings.Compare(a.Rel, b.Rel) })
	m.imp = importer.ForCompiler(m.Fset, "gc", m.lookup)
	return m, nil
}

// add records p's export data and, for a package of the module, its files.
func (m *Module) add(p listed) error {
	if p.Error != nil {
		return fmt.Errorf("package %s: %s", p.ImportPath, p.Error.Err)
	}
	m.exports[p.ImportPath] = p.Export
	if p.DepOnly || p.Standard || p.Module == nil || !p.Module.Main {
		return nil
	}
	m.Path = p.Module.Path
	rel, err := filepath.Rel(m.Root, p.Dir)
	if err != nil {
		return err
	}
	pkg := Package{Path: p.ImportPath, Rel: filepath.ToSlash(rel), Dir: p.Dir}
	for _, f := range append(p.GoFiles, p.CgoFiles...) {
		pkg.Files = append(pkg.Files, filepath.Join(p.Dir, f))
	}
	slices.Sort(pkg.Files)
	m.Packages = append(m.Packages, pkg)
	return nil
}

// lookup opens the export data of path for the gc importer.
func (m *Module) lookup(path string) (io.ReadCloser, error) {
	file := m.exports[path]
	if file == "" {
		return nil, fmt.Errorf("no export data for %s (not a dependency of the module)", path)
	}
	return os.Open(file)
}

// Importer imports the module's packages and their dependencies from
// their export data.
func (m *Module) Importer() types.Importer { return m.imp }

// Parse parses files, with comments.
func (m *Module) Parse(files []string) ([]*ast.File, error) {
	var out []*ast.File
	for _, name := range files {
		f, err := parser.ParseFile(m.Fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// TypeCheck type-checks files as the package path, importing its
// dependencies from their export data.
func (m *Module) TypeCheck(path string, files []*ast.File) (*types.Info, error) {
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	var errs []error
	conf := types.Config{Importer: m.imp, Error: func(err error) { errs = append(errs, err) }}
	conf.Check(path, m.Fset, files, info)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return info, nil
}
