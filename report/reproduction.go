package report

import (
	"fmt"
	"io"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
)

// Reproduction compares the replay of a reproducer file with what the
// file recorded.
type Reproduction struct {
	File       string `json:"file"`
	Property   string `json:"property"`   // recorded: the first violation's property
	TraceHash  string `json:"trace_hash"` // recorded
	Events     int64  `json:"events"`     // recorded
	Reproduced bool   `json:"reproduced"`
	Detail     string `json:"detail"`
}

// NewReproduction is the comparison of a replay of the reproducer r,
// read from file, before the replay.
func NewReproduction(file string, r campaign.Reproducer) *Reproduction {
	return &Reproduction{File: file, Property: r.Property, TraceHash: r.TraceHash, Events: r.Events}
}

// Compare compares res, the replay, with what the file recorded.
func (r *Reproduction) Compare(res *engine.Result) {
	got := ""
	if len(res.Violations) > 0 {
		got = string(res.Violations[0].Property)
	}
	hash := campaign.FormatHash(res.TraceHash)
	sameHash := hash == r.TraceHash && res.Events == r.Events
	switch {
	case got == r.Property && sameHash && got != "":
		r.Reproduced, r.Detail = true, "same violation, same trace hash"
	case got == r.Property && sameHash:
		r.Reproduced, r.Detail = true, "same outcome (no violation), same trace hash"
	case got == r.Property:
		r.Detail = fmt.Sprintf("same violation, but a different run: trace hash %s after %d events, the file recorded %s after %d events (the code changed since the file was written)",
			hash, res.Events, r.TraceHash, r.Events)
	default:
		r.Detail = fmt.Sprintf("the file recorded %s but the replay found %s (trace hash %s, recorded %s): the code or the file changed since it was written",
			describeProperty(r.Property), describeProperty(got), hash, r.TraceHash)
	}
}

func describeProperty(p string) string {
	if p == "" {
		return "no violation"
	}
	return "a violation of " + p
}

// WriteText says whether the replay reproduced.
func (r *Reproduction) WriteText(w io.Writer) {
	if r.Reproduced {
		field(w, runWidth, "reproduced", "%s", r.Detail)
		return
	}
	fmt.Fprintf(w, "WARNING: %s did not reproduce: %s\n", r.File, r.Detail)
}
