// Package catalogue looks a buggy variant up by name in a protocol's
// catalogue: the one lookup behind each reference protocol's variants.
package catalogue

import (
	"fmt"
	"strings"
)

// Correct names the correct protocol in every catalogue.
const Correct = "none"

// Lookup returns the entry of all that nameOf calls name, and whether
// name is the correct protocol ("" or Correct: the zero V). An unknown
// name is an error that lists the known ones.
func Lookup[V any](all []V, nameOf func(V) string, name string) (V, error) {
	var zero V
	if name == "" || name == Correct {
		return zero, nil
	}
	names := make([]string, len(all))
	for i, v := range all {
		if nameOf(v) == name {
			return v, nil
		}
		names[i] = nameOf(v)
	}
	return zero, fmt.Errorf("unknown variant %q (known: %s, or %s)", name, strings.Join(names, ", "), Correct)
}
