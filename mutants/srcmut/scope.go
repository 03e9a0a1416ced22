package srcmut

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/paxsim/paxsim/internal/tidy"
)

// OutOfScope names the functions no operator mutates: what the protocol
// renders or parses for people (String, GoString, Describe, and names
// beginning with format or parse), and the identity hashes the harness
// merges states and names messages by (Digest, Fingerprint). A mutant of
// those changes what a person reads or what the explorer deduplicates,
// not what a replica does. An unexported function called only from
// functions out of scope is out of scope too.
var OutOfScope = []string{"String", "GoString", "Describe", "Digest", "Fingerprint"}

// outOfScopePrefixes are name prefixes out of scope, any case.
var outOfScopePrefixes = []string{"format", "parse"}

// rootOutOfScope: fn (Name or Type.Name) is out of scope by its name.
func rootOutOfScope(fn string) bool {
	name := fn[strings.LastIndex(fn, ".")+1:]
	for _, n := range OutOfScope {
		if name == n {
			return true
		}
	}
	lower := strings.ToLower(name)
	for _, p := range outOfScopePrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

// outOfScope lists the package's functions out of scope, by funcName.
func outOfScope(files []*ast.File, info *types.Info, pkg *types.Package) map[string]bool {
	names := map[types.Object]string{} // the package's declared functions
	var decls []*ast.FuncDecl
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				names[info.Defs[fd.Name]] = tidy.FuncName(fd)
				decls = append(decls, fd)
			}
		}
	}
	callers := map[string][]string{} // by callee: the functions that use it
	for _, fd := range decls {
		caller := tidy.FuncName(fd)
		ast.Inspect(fd, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id != fd.Name {
				if callee, ok := names[info.Uses[id]]; ok {
					callers[callee] = append(callers[callee], caller)
				}
			}
			return true
		})
	}
	out := map[string]bool{}
	for _, fd := range decls {
		if rootOutOfScope(tidy.FuncName(fd)) {
			out[tidy.FuncName(fd)] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			name := tidy.FuncName(fd)
			if out[name] || fd.Name.IsExported() || len(callers[name]) == 0 || !allIn(callers[name], out) {
				continue
			}
			out[name], changed = true, true
		}
	}
	return out
}

// allIn: every name of names is in set.
func allIn(names []string, set map[string]bool) bool {
	for _, n := range names {
		if !set[n] {
			return false
		}
	}
	return true
}
