package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/paxsim/paxsim/campaign"
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
	case err == errLongLine:
		return nil, false, inputErrorf("%s:%d: %v", path, kind.line, err)
	case err != nil:
		return nil, false, inputErrorf("cannot read %s: %v", path, err)
	case kind.what == emptyFile:
		return nil, false, inputErrorf("%s: the file is empty: want a decision trace (%q first) or a reproducer (seed-N.json)", path, trace.Format)
	case kind.what == unknownFile:
		return nil, false, inputErrorf("%s:%d: neither a decision trace (%q first) nor a reproducer (a JSON object, seed-N.json): found %q",
			path, kind.line, trace.Format, kind.head)
	case kind.what == otherFile:
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

// groupInput is path, or, when path is a failure folder or one of its
// files that holds no run of its own (campaign.GroupTrace: its summary,
// config, readable trace, diagram, seeds), the run the folder stands for
// (its shrunk trace, or, unshrunk, its trace or reproducer),
// which it says on stderr: a user who points at any file of a folder
// means its failure.
func (x *invocation) groupInput(verb, path string) string {
	file, what, ok := campaign.GroupTrace(path)
	if !ok {
		return path
	}
	x.stdout.Flush()
	fmt.Fprintf(x.stderr, "%s: %s belongs to a failure folder: %s %s, %s\n", x.program, path, verb, what, file)
	return file
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

// fileKind is what sniffTrace makes of a file: what it is, and the line
// that tells, with its start.
type fileKind struct {
	what int
	line int
	head string
}

// The kinds of file sniffTrace tells apart.
const (
	emptyFile   = iota // nothing but blank lines and comments
	traceFile          // a decision trace: its first line is a paxsim-trace header
	otherFile          // a JSON object (a reproducer, say)
	unknownFile        // neither
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
		if err == errLongLine {
			return fileKind{emptyFile, n, ""}, err
		}
		if n == 1 {
			head = strings.TrimPrefix(head, "\uFEFF")
		}
		switch head = strings.TrimSpace(head); {
		case strings.HasPrefix(head, "paxsim-trace"):
			return fileKind{traceFile, n, head}, nil
		case strings.HasPrefix(head, "{"):
			return fileKind{otherFile, n, head}, nil
		case head != "" && !strings.HasPrefix(head, "#"):
			return fileKind{unknownFile, n, strings.ToValidUTF8(head, "?")}, nil
		case err == io.EOF:
			return fileKind{emptyFile, n, ""}, nil
		case err != nil:
			return fileKind{emptyFile, n, ""}, err
		}
	}
}

// lineHead reads one line of br and returns its first max bytes at most,
// skipping the rest of it up to trace.MaxLine bytes: a longer line (a
// binary file, /dev/zero) is errLongLine, not read to its end.
func lineHead(br *bufio.Reader, max int) (string, error) {
	var head []byte
	for n := 0; ; {
		chunk, err := br.ReadSlice('\n')
		if room := max - len(head); room > 0 {
			head = append(head, chunk[:min(len(chunk), room)]...)
		}
		if n += len(chunk); n > trace.MaxLine {
			return string(head), errLongLine
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(chunk) > 0 {
				err = nil // a last line without a newline
			}
			return string(head), err
		}
	}
}

// errLongLine is a line longer than any of a decision trace or a
// reproducer's.
var errLongLine = fmt.Errorf("a line is longer than %d bytes: neither a decision trace nor a reproducer", trace.MaxLine)
