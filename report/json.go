package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// JSON prints v as one indented JSON object, with "->" in trace lines
// left readable.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the report: %v", err)
	}
	return nil
}

// JSONLine prints v as one JSON object on one line.
func JSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the report: %v", err)
	}
	return nil
}

// Counts renders counts as "name=n" pairs sorted by name, or "none".
func Counts[N int | int64](m map[string]N) string {
	names := SortedKeys(m)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// SortedKeys lists m's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m { // order-free: sorted below
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// field writes one "name: value" line of a text report, the values in a
// column width wide.
func field(w io.Writer, width int, name, format string, args ...any) {
	fmt.Fprintf(w, "%-*s %s\n", width, name+":", fmt.Sprintf(format, args...))
}
