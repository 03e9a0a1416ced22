package srcmut

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/paxsim/paxsim/internal/tidy"
)

// fileGen generates one file's mutants and sites.
type fileGen struct {
	rel     string // the file, relative to the module's root
	src     []byte
	fset    *token.FileSet
	file    *ast.File
	info    *types.Info
	pkg     *types.Package
	skip    map[string]bool // functions left out (outOfScope)
	ops     map[string]bool // the operators applied
	fn      string          // the function being walked
	ordinal map[string]int  // by function and operator: mutants so far
	next    *int            // the last mutant number given, across files
	mutants []*Mutant
	sites   []*site
}

// off is a position's byte offset in the file.
func (g *fileGen) off(p token.Pos) int { return g.fset.Position(p).Offset }

// text is a node's source.
func (g *fileGen) text(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

// add records a mutant of the current function made by edits, and
// returns its number.
func (g *fileGen) add(op string, at token.Pos, edits ...edit) int {
	key := g.fn + ":" + op
	g.ordinal[key]++
	*g.next++
	m := &Mutant{
		ID: fmt.Sprintf("%s:%s:%s:%d", g.rel, g.fn, op, g.ordinal[key]),
		N:  *g.next, File: g.rel, Line: g.fset.Position(at).Line, Func: g.fn, Operator: op, edits: edits,
	}
	m.describe(g.src)
	g.mutants = append(g.mutants, m)
	return m.N
}

// walk generates the mutants of every function of the file in scope.
func (g *fileGen) walk() {
	for _, d := range g.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		g.fn = tidy.FuncName(fd)
		if g.skip[g.fn] {
			continue
		}
		ast.Inspect(fd.Body, g.visit)
	}
}

// visit generates the mutants of one node.
func (g *fileGen) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.GenDecl:
		return n.Tok != token.CONST // a constant's value must stay constant
	case *ast.ArrayType:
		if n.Len != nil {
			ast.Inspect(n.Elt, g.visit)
			return false
		}
	case *ast.BinaryExpr:
		g.comparison(n)
	case *ast.IfStmt:
		g.condition(n.Cond)
	case *ast.ForStmt:
		g.condition(n.Cond)
	case *ast.BlockStmt:
		g.drops(n.List)
	case *ast.CaseClause:
		g.drops(n.Body)
	case *ast.CallExpr:
		g.swaps(n)
	case *ast.BasicLit:
		g.constant(n)
	}
	return true
}

// negated and boundary are each comparison's mutated operators.
var (
	negated  = map[token.Token]token.Token{token.LSS: token.GEQ, token.GEQ: token.LSS, token.GTR: token.LEQ, token.LEQ: token.GTR, token.EQL: token.NEQ, token.NEQ: token.EQL}
	boundary = map[token.Token]token.Token{token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR}
)

// comparison mutates a comparison's operator: its boundary, then its
// negation.
func (g *fileGen) comparison(e *ast.BinaryExpr) {
	neg, ok := negated[e.Op]
	if !ok {
		return
	}
	var ks []int
	var alts []func([]string) string
	at := g.off(e.OpPos)
	for _, op := range []struct {
		name string
		to   token.Token
		ok   bool
	}{{CmpBoundary, boundary[e.Op], boundary[e.Op] != token.ILLEGAL}, {CmpNegate, neg, true}} {
		if !op.ok || !g.ops[op.name] {
			continue
		}
		to := op.to
		ks = append(ks, g.add(op.name, e.OpPos, edit{at, at + len(e.Op.String()), to.String()}))
		alts = append(alts, func(h []string) string { return "(" + h[0] + ") " + to.String() + " (" + h[1] + ")" })
	}
	if len(ks) == 0 {
		return
	}
	holes := [][2]int{{g.off(e.X.Pos()), g.off(e.X.End())}, {g.off(e.Y.Pos()), g.off(e.Y.End())}}
	g.sites = append(g.sites, boolSite(g.off(e.Pos()), g.off(e.End()), holes, ks, alts))
}

// condition negates an if or for condition that is not a comparison.
func (g *fileGen) condition(c ast.Expr) {
	if c == nil || !g.ops[NegateCond] {
		return
	}
	if b, ok := ast.Unparen(c).(*ast.BinaryExpr); ok && negated[b.Op] != token.ILLEGAL {
		return
	}
	start, end := g.off(c.Pos()), g.off(c.End())
	k := g.add(NegateCond, c.Pos(), edit{start, start, "!("}, edit{end, end, ")"})
	g.sites = append(g.sites, boolSite(start, end, [][2]int{{start, end}}, []int{k}, []func([]string) string{
		func(h []string) string { return "!(" + h[0] + ")" },
	}))
}

// drops deletes each statement of a list that can go: a call (not to
// panic), an assignment with = or op=, ++ and --, a channel send.
func (g *fileGen) drops(list []ast.Stmt) {
	for _, s := range list {
		op := ""
		switch s := s.(type) {
		case *ast.ExprStmt:
			op = g.callKind(s.X)
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				op = DropStmt
			}
		case *ast.IncDecStmt, *ast.SendStmt:
			op = DropStmt
		}
		if op == "" || !g.ops[op] {
			continue
		}
		start, end := g.off(s.Pos()), g.off(s.End())
		k := g.add(op, s.Pos(), edit{start, end, ""})
		g.sites = append(g.sites, dropSite(start, end, k))
	}
}

// callKind is the operator that deletes the call x: DropPersist for a
// write or sync of durable state, DropSend for a message sent, DropStmt
// for any other call, "" for none (not a call, or a panic).
func (g *fileGen) callKind(x ast.Expr) string {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return ""
	}
	name, recv := "", ""
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		name = f.Name
		if _, builtin := g.info.Uses[f].(*types.Builtin); builtin && name == "panic" {
			return ""
		}
	case *ast.SelectorExpr:
		name = f.Sel.Name
		if t := g.info.TypeOf(f.X); t != nil {
			recv = t.String()
		}
	}
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "persist"), (name == "Write" || name == "Sync") && strings.Contains(recv, "/sim.Env"):
		return DropPersist
	case strings.Contains(lower, "send"), strings.Contains(lower, "broadcast"):
		return DropSend
	}
	return DropStmt
}
