package sim

import (
	"fmt"
	"math"
	"reflect"
)

// differ compares two values by their content, through reflection, to
// name where they differ: what the identity audit (identityaudit.go)
// shows of two states that one fingerprint stands for. Content is what a
// value holds, not where: pointers are followed, a nil slice or map is
// the same as an empty one, maps compare by key, and functions, channels
// and unsafe pointers are not compared. A value too deep or too large to
// compare within its budget is taken as the same (the audit then says
// nothing rather than something wrong).
type differ struct {
	budget int       // fields and elements left to compare
	path   []uintptr // pointers on the way down, against cycles
	where  []string  // the path to the difference, innermost first
}

// differBudget bounds one comparison: a protocol's node, with its log,
// is some thousands of fields.
const differBudget = 1 << 16

// firstDifference returns where a and b, two values of one type, first
// differ ("Log[3].Ballot", "" for the values themselves), and whether
// they do.
func firstDifference(a, b any) (where string, differs bool) {
	d := differ{budget: differBudget}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return fmt.Sprintf("(type %s against %s)", va.Type(), vb.Type()), true
	}
	if d.same(va, vb) {
		return "", false
	}
	out := ""
	for _, w := range d.where {
		out = w + out
	}
	return out, true
}

// same reports whether a and b hold the same content; when they do not,
// d.where holds the path to the difference, innermost first.
func (d *differ) same(a, b reflect.Value) bool {
	if d.budget--; d.budget < 0 {
		return true
	}
	switch a.Kind() {
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Complex64, reflect.Complex128:
		return a.Complex() == b.Complex()
	case reflect.String:
		return a.String() == b.String()
	case reflect.Array, reflect.Slice:
		return d.sameElems(a, b)
	case reflect.Map:
		return d.sameMaps(a, b)
	case reflect.Pointer, reflect.Interface:
		return d.sameTargets(a, b)
	case reflect.Struct:
		return d.sameFields(a, b)
	}
	return true // functions, channels, unsafe pointers
}

// sameElems compares arrays or slices element by element.
func (d *differ) sameElems(a, b reflect.Value) bool {
	if a.Len() != b.Len() {
		d.where = append(d.where, fmt.Sprintf(" (length %d against %d)", a.Len(), b.Len()))
		return false
	}
	for i := range a.Len() {
		if !d.same(a.Index(i), b.Index(i)) {
			d.where = append(d.where, fmt.Sprintf("[%d]", i))
			return false
		}
	}
	return true
}

// sameMaps compares maps key by key.
func (d *differ) sameMaps(a, b reflect.Value) bool {
	if a.Len() != b.Len() {
		d.where = append(d.where, fmt.Sprintf(" (%d keys against %d)", a.Len(), b.Len()))
		return false
	}
	for it := a.MapRange(); it.Next(); {
		vb := b.MapIndex(it.Key())
		if !vb.IsValid() || !d.same(it.Value(), vb) {
			d.where = append(d.where, fmt.Sprintf("[%v]", it.Key()))
			return false
		}
	}
	return true
}

// sameTargets compares what two pointers or interfaces hold.
func (d *differ) sameTargets(a, b reflect.Value) bool {
	if a.IsNil() || b.IsNil() {
		return a.IsNil() == b.IsNil()
	}
	if a.Kind() == reflect.Interface {
		ea, eb := a.Elem(), b.Elem()
		if ea.Type() != eb.Type() {
			d.where = append(d.where, fmt.Sprintf(" (%s against %s)", ea.Type(), eb.Type()))
			return false
		}
		return d.same(ea, eb)
	}
	for _, p := range d.path {
		if p == a.Pointer() {
			return true // a cycle: compared on the way down
		}
	}
	d.path = append(d.path, a.Pointer())
	defer func() { d.path = d.path[:len(d.path)-1] }()
	return d.same(a.Elem(), b.Elem())
}

// sameFields compares structs field by field, unexported fields too.
func (d *differ) sameFields(a, b reflect.Value) bool {
	t := a.Type()
	for i := range a.NumField() {
		if !d.same(a.Field(i), b.Field(i)) {
			d.where = append(d.where, "."+t.Field(i).Name)
			return false
		}
	}
	return true
}
