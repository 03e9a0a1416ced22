package protocol

import (
	"fmt"
	"strings"

	"github.com/paxsim/paxsim/checker"
)

// Variant is a named, deliberate deviation from correct Paxos: a bug the
// harness must catch. The zero Variant is the correct protocol.
type Variant struct {
	Name    string
	Summary string           // what the deviation is, in one line
	Breaks  checker.Property // the property it is expected to break
}

// Correct is the name of the correct protocol.
const Correct = "none"

// IgnorePromisedValues is the variant whose proposer always proposes its
// own value, ignoring the accepted values that promises report.
var IgnorePromisedValues = Variant{
	Name:    "ignore-promised-values",
	Summary: "the proposer always proposes its own value, ignoring values reported in promises",
	Breaks:  checker.Agreement,
}

// ReplyOwnValue is the variant whose replica answers its clients with its
// own value as soon as it asks acceptors to accept it, before it is chosen.
var ReplyOwnValue = Variant{
	Name:    "reply-own-value",
	Summary: "a replica answers its clients with the value it proposes in phase 2, before that value is chosen",
	Breaks:  checker.Linearizability,
}

var variants = []Variant{IgnorePromisedValues, ReplyOwnValue}

// Variants lists the buggy variants, sorted by name.
func Variants() []Variant { return append([]Variant(nil), variants...) }

// LookupVariant returns the variant called name; "" and "none" name the
// correct protocol.
func LookupVariant(name string) (Variant, error) {
	if name == "" || name == Correct {
		return Variant{}, nil
	}
	for _, v := range variants {
		if v.Name == name {
			return v, nil
		}
	}
	names := make([]string, len(variants))
	for i, v := range variants {
		names[i] = v.Name
	}
	return Variant{}, fmt.Errorf("unknown variant %q (known: %s, or %s)", name, strings.Join(names, ", "), Correct)
}

// String is the variant's name, "none" for the correct protocol.
func (v Variant) String() string {
	if v.Name == "" {
		return Correct
	}
	return v.Name
}

// Is reports whether v is the variant o.
func (v Variant) Is(o Variant) bool { return v.Name == o.Name }
