package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// JSON prints v as one indented JSON object, with "->" in trace lines
// left readable.
func JSON(w io.Writer, v any) error { return encode(w, v, "  ") }

// JSONLine prints v as one JSON object on one line.
func JSONLine(w io.Writer, v any) error { return encode(w, v, "") }

// encode prints v as JSON, each level indented by indent ("": one line).
func encode(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the report: %v", err)
	}
	return nil
}

// Counts renders counts as "name=n" pairs sorted by name, or "none".
func Counts[N int | int64](m map[string]N) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// field writes one "name: value" line of a text report, the values in a
// column width wide.
func field(w io.Writer, width int, name, format string, args ...any) {
	fmt.Fprintf(w, "%-*s %s\n", width, name+":", fmt.Sprintf(format, args...))
}
