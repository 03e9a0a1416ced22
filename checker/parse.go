package checker

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBallot reads a ballot as Ballot.String writes it: ROUND.NODE, or
// "-" for none.
func ParseBallot(s string) (Ballot, error) {
	if s == "-" {
		return Ballot{}, nil
	}
	r, n, ok := strings.Cut(s, ".")
	round, err1 := strconv.ParseUint(r, 10, 32)
	node, err2 := strconv.ParseInt(n, 10, 32)
	if !ok || err1 != nil || err2 != nil || round == 0 {
		return Ballot{}, fmt.Errorf("ballot %q: want ROUND.NODE (1.2) or -", s)
	}
	return Ballot{Round: uint32(round), Node: int32(node)}, nil
}

// ParseValue reads a client's value as Value.String writes it: vN, or
// "-" for none.
func ParseValue(s string) (Value, error) {
	if s == "-" {
		return None, nil
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "v"), 10, 64)
	if !strings.HasPrefix(s, "v") || err != nil || n <= 0 || n >= 1<<32 {
		return None, fmt.Errorf("value %q: want vN (v1) or -", s)
	}
	return Value(n), nil
}
