package engine

import (
	"slices"

	"github.com/paxsim/paxsim/checker"
)

// Judged lists the properties a run of the protocol info describes is
// judged by, in checker.AllProperties' order: its Properties, or, when it
// names none, every property but the replicated log's for a protocol
// without one.
func Judged(info *Info) checker.Properties {
	var out checker.Properties
	for _, p := range checker.AllProperties() {
		switch {
		case info.Properties != nil && !slices.Contains(info.Properties, p):
		case info.Properties == nil && !hasLog(info) && slices.Contains(logProperties, p):
		default:
			out = append(out, p)
		}
	}
	return out
}

// JudgedAtEnd reports whether property p is judged once the run is over
// (liveness, after its deadline; linearizability, on the whole history),
// not at every step.
func JudgedAtEnd(p checker.Property) bool {
	return p == checker.Liveness || p == checker.Linearizability
}
