package srcmut

import (
	"fmt"
	"slices"
	"strings"
)

// site is one place of a file where mutants apply, as the schema writes
// it: the original code and every mutant of the place behind the switch
// (srcmutID), selected at run time. Sites nest (a comparison inside a
// dropped statement): a site is written from its holes, the parts of the
// original code it keeps, each with the sites inside it written in.
type site struct {
	start, end int      // the bytes of the file it replaces
	holes      [][2]int // the byte ranges it keeps, within [start, end)
	// write builds the schema code from the original code of [start,
	// end) and of each hole, nested sites written in.
	write    func(orig string, holes []string) string
	children []*site
}

// The names the schema declares in each mutated package (schemaFile).
const (
	schemaHit  = "srcmutHit()"
	schemaNot  = "srcmutNot"
	schemaIs   = "srcmutIs"
	schemaPick = "srcmutPick"
	schemaAdd  = "srcmutAdd"
)

// is is the schema's test that mutant k runs, recording that it ran; not
// the test that it does not. Both record, in the control, that k's site
// ran (reach.Seen).
func is(k int) string { return fmt.Sprintf("%s(%d)", schemaIs, k) }

func not(k int) string { return fmt.Sprintf("%s(%d)", schemaNot, k) }

// boolSite is a boolean expression with alternatives: alts[i](holes) runs
// when mutant ks[i] is selected, the original code otherwise.
func boolSite(start, end int, holes [][2]int, ks []int, alts []func(h []string) string) *site {
	return &site{start: start, end: end, holes: holes, write: func(orig string, h []string) string {
		var b strings.Builder
		b.WriteString("(")
		for _, k := range ks {
			b.WriteString(not(k) + " && ")
		}
		b.WriteString("(" + orig + ")")
		for i, k := range ks {
			fmt.Fprintf(&b, " || %s && (%s)", is(k), alts[i](h))
		}
		b.WriteString(")")
		return b.String()
	}}
}

// dropSite is a statement that mutant k deletes.
func dropSite(start, end, k int) *site {
	return &site{start: start, end: end, write: func(orig string, _ []string) string {
		return fmt.Sprintf("if %s { %s } else { %s }", not(k), orig, schemaHit)
	}}
}

// swapSite is a run of arguments, all of type typ, in which mutant ks[j]
// swaps argument j with argument j+1.
func swapSite(args [][2]int, typ string, ks []int) *site {
	return &site{start: args[0][0], end: args[len(args)-1][1], holes: args, write: func(_ string, h []string) string {
		out := make([]string, len(h))
		for j := range h {
			v := h[j]
			if j > 0 && ks[j-1] != 0 {
				v = fmt.Sprintf("%s[%s](%s, %s, %s)", schemaPick, typ, is(ks[j-1]), h[j-1], v)
			}
			if j < len(ks) && ks[j] != 0 {
				v = fmt.Sprintf("%s[%s](%s, %s, %s)", schemaPick, typ, is(ks[j]), h[j+1], v)
			}
			out[j] = v
		}
		return strings.Join(out, ", ")
	}}
}

// addSite is an integer literal of type typ that mutant plus increments
// and mutant minus decrements.
func addSite(start, end int, typ string, plus, minus int) *site {
	return &site{start: start, end: end, write: func(orig string, _ []string) string {
		return fmt.Sprintf("%s[%s](%s, %d, %d)", schemaAdd, typ, orig, plus, minus)
	}}
}

// nest arranges sites into trees, each site under the smallest site that
// contains it (the earlier one of two with the same range), and returns
// the roots in file order.
func nest(sites []*site) []*site {
	slices.SortStableFunc(sites, func(a, b *site) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var roots, stack []*site
	for _, s := range sites {
		for len(stack) > 0 && stack[len(stack)-1].end <= s.start {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, s)
		} else {
			top := stack[len(stack)-1]
			top.children = append(top.children, s)
		}
		stack = append(stack, s)
	}
	return roots
}

// render writes src[start:end] with the sites (sorted, disjoint, within
// it) written in.
func render(src []byte, start, end int, sites []*site) string {
	var b strings.Builder
	at := start
	for _, s := range sites {
		if s.start < start || s.end > end {
			continue
		}
		b.Write(src[at:s.start])
		b.WriteString(s.render(src))
		at = s.end
	}
	b.Write(src[at:end])
	return b.String()
}

// render writes the site's schema code.
func (s *site) render(src []byte) string {
	orig := render(src, s.start, s.end, s.children)
	holes := make([]string, len(s.holes))
	for i, h := range s.holes {
		var inside []*site
		for _, c := range s.children {
			if c.start >= h[0] && c.end <= h[1] {
				inside = append(inside, c)
			}
		}
		holes[i] = render(src, h[0], h[1], inside)
	}
	return s.write(orig, holes)
}
