package script

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paxsim/paxsim/engine"
)

// verdict writes a run's verdict, ok saying what a run without violations
// achieved, and whether it met its expectation. A run with none (Expect
// "", a run taken under another variant: scenario run --variant) holds
// when it breaks nothing, and says nothing of an expectation.
func verdict(run Run, r engine.Result, ok string, w io.Writer) Result {
	res := Result{Result: r, Got: "ok", Holds: (run.Expect == "ok" || run.Expect == "") && !r.Failed()}
	var got []string
	for _, v := range r.Violations {
		got = append(got, string(v.Property))
		res.Holds = res.Holds || string(v.Property) == run.Expect
	}
	if len(got) > 0 {
		res.Got = strings.Join(got, ", then ")
	}
	for _, v := range r.Violations {
		fmt.Fprintf(w, "verdict: %s\n", &v)
	}
	if !r.Failed() {
		fmt.Fprintf(w, "verdict: ok: %s\n", ok)
	}
	switch {
	case run.Expect == "":
	case res.Holds:
		fmt.Fprintf(w, "expected %s: holds\n", run.Expect)
	default:
		fmt.Fprintf(w, "expected %s, got %s: DOES NOT HOLD\n", run.Expect, res.Got)
	}
	return res
}

// outcome says what a run achieved: the value chosen (a single decree,
// instance 0) or the values chosen instance by instance (a log, from 1),
// and, for a key-value service, the requests answered.
func (in *interp[M, D]) outcome() string {
	what := "nothing chosen"
	if ch, ok := in.s.Chosen(0); ok {
		what = fmt.Sprintf("%s chosen at ballot %s", ch.Value, ch.Ballot)
	} else if log := in.chosenLog(); len(log) > 0 {
		what = "chosen " + strings.Join(log, ", ")
	}
	if in.c.info.Workload.Kind == engine.KeyValue {
		what += fmt.Sprintf("; %d of %d requests answered", in.answered, in.nasked)
	}
	return what
}

// chosenLog lists the instances chosen, each "iN VALUE"; a run of no-ops
// is one item, "iN-iM noop".
func (in *interp[M, D]) chosenLog() []string {
	var out []string
	noOp := func(i int64) bool {
		ch, ok := in.s.Chosen(i)
		return ok && slices.Contains(in.c.info.NoOps, ch.Value)
	}
	for i := int64(1); i <= in.top; i++ {
		ch, ok := in.s.Chosen(i)
		switch {
		case !ok:
		case noOp(i):
			last := i
			for last < in.top && noOp(last+1) {
				last++
			}
			if last > i {
				out = append(out, fmt.Sprintf("i%d-i%d noop", i, last))
			} else {
				out = append(out, fmt.Sprintf("i%d noop", i))
			}
			i = last
		default:
			out = append(out, fmt.Sprintf("i%d %s", i, ch.Value))
		}
	}
	return out
}
