package srcmut

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// swaps swaps each pair of adjacent arguments of a call that share one
// type, parameter and argument alike. The schema evaluates an argument
// twice, so only arguments without calls (conversions aside) take part;
// builtins (min and max are symmetric), conversions and identical
// arguments do not.
func (g *fileGen) swaps(call *ast.CallExpr) {
	sig, ok := g.info.TypeOf(call.Fun).(*types.Signature)
	if !ok || call.Ellipsis.IsValid() || !g.ops[SwapArgs] {
		return
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if _, builtin := g.info.Uses[id].(*types.Builtin); builtin {
			return
		}
	}
	params := sig.Params().Len()
	if sig.Variadic() {
		params--
	}
	for lo := 0; lo < min(params, len(call.Args)); {
		hi := lo + 1 // the run [lo, hi) of arguments of one type
		t := g.info.TypeOf(call.Args[lo])
		typ := g.typeName(t)
		for hi < min(params, len(call.Args)) && typ != "" && g.pure(call.Args[lo]) && g.pure(call.Args[hi]) &&
			types.Identical(t, g.info.TypeOf(call.Args[hi])) &&
			types.Identical(sig.Params().At(lo).Type(), sig.Params().At(hi).Type()) {
			hi++
		}
		if hi-lo >= 2 {
			g.swapRun(call.Args[lo:hi], typ)
		}
		lo = hi
	}
}

// swapRun adds the swaps of a run of arguments of type typ.
func (g *fileGen) swapRun(args []ast.Expr, typ string) {
	ranges := make([][2]int, len(args))
	for i, a := range args {
		ranges[i] = [2]int{g.off(a.Pos()), g.off(a.End())}
	}
	ks := make([]int, len(args)-1)
	any := false
	for j := range ks {
		a, b := g.text(args[j]), g.text(args[j+1])
		if a == b {
			continue
		}
		ks[j] = g.add(SwapArgs, args[j].Pos(), edit{ranges[j][0], ranges[j][1], b}, edit{ranges[j+1][0], ranges[j+1][1], a})
		any = true
	}
	if any {
		g.sites = append(g.sites, swapSite(ranges, typ, ks))
	}
}

// pure: e calls nothing but conversions and receives nothing, so that
// evaluating it twice is evaluating it once.
func (g *fileGen) pure(e ast.Expr) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if tv, found := g.info.Types[n.Fun]; !found || !tv.IsType() {
				ok = false
			}
		case *ast.FuncLit:
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// typeName writes t as the file can name it: "" when it cannot (a type
// of a package the file does not import, an untyped constant).
func (g *fileGen) typeName(t types.Type) string {
	if t == nil {
		return ""
	}
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return ""
	}
	named := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg {
			return ""
		}
		for _, im := range g.file.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if path != p.Path() {
				continue
			}
			if im.Name != nil {
				return im.Name.Name
			}
			return p.Name()
		}
		named = false
		return p.Name()
	})
	if !named {
		return ""
	}
	return s
}

// constant adds one to, and subtracts one from, an integer literal of a
// function body (not of a constant declaration or an array's length:
// visit does not go there).
func (g *fileGen) constant(lit *ast.BasicLit) {
	if lit.Kind != token.INT || !g.ops[ConstOne] {
		return
	}
	t := g.info.TypeOf(lit)
	b, ok := t.Underlying().(*types.Basic)
	typ := g.typeName(t)
	if !ok || b.Info()&types.IsInteger == 0 || typ == "" {
		return
	}
	start, end := g.off(lit.Pos()), g.off(lit.End())
	plus := g.add(ConstOne, lit.Pos(), edit{start, end, "(" + lit.Value + "+1)"})
	minus := g.add(ConstOne, lit.Pos(), edit{start, end, "(" + lit.Value + "-1)"})
	g.sites = append(g.sites, addSite(start, end, typ, plus, minus))
}
