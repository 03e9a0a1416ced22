package tidy

import "go/ast"

// MaxFuncLines is the longest a function may be, TigerBeetle's limit.
const MaxFuncLines = 70

// FuncLength is a declared function's length.
type FuncLength struct {
	Dir   string // the package's directory, relative to the module's root
	Func  string // as FuncName names it
	File  string
	Lines int // from the line of the func keyword to the closing brace's, both included
}

// FuncLengths measures every declared function with a body in the module's
// non-test files, every package included. A function literal counts toward
// the declaration it is written in; a doc comment does not count.
func (m *Module) FuncLengths() ([]FuncLength, error) {
	var out []FuncLength
	for _, pkg := range m.Packages {
		files, err := m.Parse(pkg.Files)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				from, to := m.Fset.Position(fd.Type.Func), m.Fset.Position(fd.Body.Rbrace)
				out = append(out, FuncLength{Dir: pkg.Rel, Func: FuncName(fd), File: from.Filename, Lines: to.Line - from.Line + 1})
			}
		}
	}
	return out, nil
}
