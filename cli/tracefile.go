package cli

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/trace"
)

// readTrace reads path as a decision trace; ok is false when the file is
// not one (it may be a reproducer). It reads the file as a stream: a trace
// may be long, and a file that is not one is not read whole.
func readTrace(path string) (t *trace.Trace, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, inputErrorf("cannot read %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	kind, err := sniffTrace(f)
	switch {
	case err != nil:
		return nil, false, inputErrorf("cannot read %s: %v", path, err)
	case kind == emptyFile:
		return nil, false, inputErrorf("%s: the file is empty: want a decision trace (%q first) or a reproducer (seed-N.json)", path, trace.Format)
	case kind == otherFile:
		return nil, false, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, false, inputErrorf("cannot read %s: %v", path, err)
	}
	t, err = trace.Parse(f, path)
	if err != nil {
		return nil, true, inputErrorf("%v", err)
	}
	return t, true, nil
}

// checkTrace finds the protocol that t, the decision trace read from
// path, names (--protocol, when given, must name the same) and checks t
// against it (trace.Check): a config or a client step the protocol does
// not take is bad input naming its line.
func (x *invocation) checkTrace(o *options, path string, t *trace.Trace) (*harness.Protocol, error) {
	p, err := x.lookupFor(o, path)(t.Config.Protocol)
	if err != nil {
		return nil, inputErrorf("%s: %v", path, err)
	}
	if err := trace.Check(t, p.Info(), path); err != nil {
		return nil, inputErrorf("%v", err)
	}
	return p, nil
}

// fileKind is what sniffTrace makes of a file.
type fileKind int

// The kinds of file sniffTrace tells apart.
const (
	emptyFile fileKind = iota // nothing but blank lines and comments
	traceFile                 // a decision trace: its first line is a paxsim-trace header
	otherFile                 // something else (a reproducer, say)
)

// sniffTrace tells, reading no more of r than its comments and the start
// of its first other line, whether r holds a decision trace: whether that
// line is a "paxsim-trace" header (of any version, so that trace.Parse can
// say which versions it reads). Long lines are not read whole; a UTF-8
// byte-order mark is skipped.
func sniffTrace(r io.Reader) (fileKind, error) {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		head, err := lineHead(br, 64)
		if n == 1 {
			head = strings.TrimPrefix(head, "\uFEFF")
		}
		switch head = strings.TrimSpace(head); {
		case strings.HasPrefix(head, "paxsim-trace"):
			return traceFile, nil
		case head != "" && !strings.HasPrefix(head, "#"):
			return otherFile, nil
		case err == io.EOF:
			return emptyFile, nil
		case err != nil:
			return emptyFile, err
		}
	}
}

// lineHead reads one line of br and returns its first max bytes at most,
// skipping the rest.
func lineHead(br *bufio.Reader, max int) (string, error) {
	var head []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if room := max - len(head); room > 0 {
			head = append(head, chunk[:min(len(chunk), room)]...)
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(chunk) > 0 {
				err = nil // a last line without a newline
			}
			return string(head), err
		}
	}
}
