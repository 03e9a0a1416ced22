package campaign

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paxsim/paxsim/engine"
)

// Outcome is what a run of a seed came to, in a form that two processes,
// or two machines, can compare: its trace hash and event count, and Hash,
// which covers them and the verdicts too (OutcomeHash).
type Outcome struct {
	Seed      uint64
	Hash      uint64
	TraceHash uint64
	Events    int64
}

// NewOutcome is res's outcome.
func NewOutcome(res *engine.Result) Outcome {
	return Outcome{Seed: res.Seed, Hash: OutcomeHash(res), TraceHash: res.TraceHash, Events: res.Events}
}

// OutcomeHash hashes what a run came to: its trace hash, its events, why
// it stopped, its verdict, the verdict on its client history and the
// properties it violated. Two runs of one seed must agree on it: a run
// whose trace is the same but whose verdict differs is as nondeterministic
// as one whose trace differs.
func OutcomeHash(res *engine.Result) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%016x %d %s %s %s", res.TraceHash, res.Events, res.Stop, res.Verdict, res.Linearizability)
	for _, v := range res.Violations {
		fmt.Fprintf(h, " %s", v.Property)
	}
	return h.Sum64()
}

// outcomeHeader opens an outcome file.
const outcomeHeader = "paxsim-outcomes 1"

// OutcomeWriter writes the outcomes of a campaign's seeds (Options.Outcomes)
// as text, one "SEED HASH TRACE-HASH EVENTS" line per seed under a header
// line, in the order of seeds whatever order the workers finish them in.
// It keeps only the seeds that finished ahead of a slower one, so its
// memory does not grow with the campaign. Two campaigns of the same seeds
// write the same file, byte for byte, wherever they run.
type OutcomeWriter struct {
	mu      sync.Mutex
	w       *bufio.Writer
	next    uint64             // the next seed to write
	pending map[uint64]Outcome // finished seeds from next+1 on
	err     error
}

// NewOutcomeWriter writes to w the outcomes of the seeds from start on.
func NewOutcomeWriter(w io.Writer, start uint64) *OutcomeWriter {
	ow := &OutcomeWriter{w: bufio.NewWriter(w), next: start, pending: map[uint64]Outcome{}}
	ow.printf("%s\n", outcomeHeader)
	return ow
}

func (ow *OutcomeWriter) printf(format string, args ...any) {
	if ow.err == nil {
		_, ow.err = fmt.Fprintf(ow.w, format, args...)
	}
}

func (ow *OutcomeWriter) write(o Outcome) {
	ow.printf("%d %s %s %d\n", o.Seed, FormatHash(o.Hash), FormatHash(o.TraceHash), o.Events)
}

// add records a seed's outcome; the workers call it concurrently.
func (ow *OutcomeWriter) add(o Outcome) {
	ow.mu.Lock()
	defer ow.mu.Unlock()
	if o.Seed != ow.next {
		ow.pending[o.Seed] = o
		return
	}
	ow.write(o)
	for ow.next++; ; ow.next++ {
		p, ok := ow.pending[ow.next]
		if !ok {
			return
		}
		delete(ow.pending, ow.next)
		ow.write(p)
	}
}

// Close writes the outcomes still pending (an interrupted campaign leaves
// seeds out), in the order of seeds, and flushes. It returns the first
// error writing met.
func (ow *OutcomeWriter) Close() error {
	ow.mu.Lock()
	defer ow.mu.Unlock()
	seeds := make([]uint64, 0, len(ow.pending))
	for s := range ow.pending { // order-free: sorted below
		seeds = append(seeds, s)
	}
	slices.Sort(seeds)
	for _, s := range seeds {
		ow.write(ow.pending[s])
	}
	clear(ow.pending)
	if ow.err == nil {
		ow.err = ow.w.Flush()
	}
	return ow.err
}

// outcomeReader reads an outcome file (OutcomeWriter) a line at a time.
type outcomeReader struct {
	sc   *bufio.Scanner
	name string // the file's, for errors, which give its line
	line int
	last Outcome
}

func newOutcomeReader(r io.Reader, name string) (*outcomeReader, error) {
	or := &outcomeReader{sc: bufio.NewScanner(r), name: name, line: 1}
	if !or.sc.Scan() || or.sc.Text() != outcomeHeader {
		if err := or.sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return nil, fmt.Errorf("%s:1: not an outcome file: want the header %q", name, outcomeHeader)
	}
	return or, nil
}

// next reads the next outcome; ok is false at the end of the file.
func (or *outcomeReader) next() (o Outcome, ok bool, err error) {
	if !or.sc.Scan() {
		if err := or.sc.Err(); err != nil {
			return Outcome{}, false, fmt.Errorf("%s: %v", or.name, err)
		}
		return Outcome{}, false, nil
	}
	or.line++
	o, err = parseOutcome(or.sc.Text())
	switch {
	case err != nil:
		return Outcome{}, false, fmt.Errorf("%s:%d: %v", or.name, or.line, err)
	case or.line > 2 && o.Seed <= or.last.Seed:
		return Outcome{}, false, fmt.Errorf("%s:%d: seed %d after seed %d: seeds go up", or.name, or.line, o.Seed, or.last.Seed)
	}
	or.last = o
	return o, true, nil
}

// parseOutcome parses "SEED HASH TRACE-HASH EVENTS".
func parseOutcome(line string) (Outcome, error) {
	f := strings.Fields(line)
	if len(f) != 4 {
		return Outcome{}, fmt.Errorf("%q is not SEED HASH TRACE-HASH EVENTS", line)
	}
	var o Outcome
	var errs [4]error
	o.Seed, errs[0] = strconv.ParseUint(f[0], 10, 64)
	o.Hash, errs[1] = parseHash(f[1])
	o.TraceHash, errs[2] = parseHash(f[2])
	o.Events, errs[3] = strconv.ParseInt(f[3], 10, 64)
	if errs[3] == nil && o.Events < 0 {
		errs[3] = fmt.Errorf("negative")
	}
	for i, err := range errs {
		if err != nil {
			name := [...]string{"seed", "hash", "trace hash", "event count"}[i]
			return Outcome{}, fmt.Errorf("bad %s %q in %q", name, f[i], line)
		}
	}
	return o, nil
}

// parseHash parses a hash as FormatHash writes it: 16 hex digits.
func parseHash(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("not 16 hex digits")
	}
	return strconv.ParseUint(s, 16, 64)
}

// OutcomeFile is an outcome file (OutcomeWriter) to compare, with its
// name for errors, which give its line.
type OutcomeFile struct {
	io.Reader
	Name string
}

// CompareOutcomes compares the outcome files of the same seeds run here
// and elsewhere (which the details name: "in another process"), and
// returns a Divergence for each seed on which they differ and for each
// seed only one of them ran, in the order of seeds. It reads both files a
// line at a time. The error is a file's, naming its line.
func CompareOutcomes(here, there OutcomeFile, elsewhere string) ([]Divergence, error) {
	a, err := newOutcomeReader(here.Reader, here.Name)
	if err != nil {
		return nil, err
	}
	b, err := newOutcomeReader(there.Reader, there.Name)
	if err != nil {
		return nil, err
	}
	var out []Divergence
	x, okX, err := a.next()
	y, okY, errY := b.next()
	for err == nil && errY == nil && (okX || okY) {
		switch {
		case !okY || (okX && x.Seed < y.Seed):
			out = append(out, Divergence{Seed: x.Seed, Detail: "ran here but not " + elsewhere})
			x, okX, err = a.next()
		case !okX || y.Seed < x.Seed:
			out = append(out, Divergence{Seed: y.Seed, Detail: "ran " + elsewhere + " but not here"})
			y, okY, errY = b.next()
		default:
			if x.Hash != y.Hash {
				out = append(out, Divergence{Seed: x.Seed, Detail: describeDivergence(x, y, elsewhere)})
			}
			x, okX, err = a.next()
			y, okY, errY = b.next()
		}
	}
	if err == nil {
		err = errY
	}
	return out, err
}

// describeDivergence says how two outcomes of a seed differ.
func describeDivergence(here, there Outcome, thereName string) string {
	if here.TraceHash == there.TraceHash && here.Events == there.Events {
		return fmt.Sprintf("the same trace (hash %s, %d events) here and %s, but not the same verdicts",
			FormatHash(here.TraceHash), here.Events, thereName)
	}
	return fmt.Sprintf("trace hash %s after %d events here, %s after %d events %s",
		FormatHash(here.TraceHash), here.Events, FormatHash(there.TraceHash), there.Events, thereName)
}
