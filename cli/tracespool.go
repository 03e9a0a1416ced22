package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/paxsim/paxsim/report"
)

// traceSpool keeps a run's readable trace in a temporary file while the
// run goes on, for --json, which prints the trace as the last field of the
// report, after what only the end of the run knows. A long run's trace
// (a million events take about 60 MB of text) then streams from the run to
// the file and from the file to the output, instead of being held, split
// and encoded in memory.
type traceSpool struct {
	file *os.File
	w    *bufio.Writer
}

func newTraceSpool() (*traceSpool, error) {
	f, err := os.CreateTemp("", "paxsim-trace-*.txt")
	if err != nil {
		return nil, inputErrorf("cannot keep the trace for --json: %v", err)
	}
	return &traceSpool{file: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Write implements io.Writer: the run's trace lines come here.
func (s *traceSpool) Write(p []byte) (int, error) { return s.w.Write(p) }

// Close removes the spool's file.
func (s *traceSpool) Close() error {
	s.file.Close()
	return os.Remove(s.file.Name())
}

// lines calls fn with every line of the trace, in order.
func (s *traceSpool) lines(fn func(line []byte) error) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(bufio.NewReaderSize(s.file, 1<<16))
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	for sc.Scan() {
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// writeJSONWithTrace prints r as report.JSON does, and then, when spool
// is set, the trace it holds as the object's last field, "trace", one
// string a line, streamed: the same bytes as encoding r with its Trace
// field set.
func writeJSONWithTrace(w io.Writer, r *report.Run, spool *traceSpool) error {
	if spool == nil {
		return report.JSON(w, r)
	}
	var head bytes.Buffer
	if err := report.JSON(&head, r); err != nil {
		return err
	}
	body, ok := bytes.CutSuffix(head.Bytes(), []byte("\n}\n"))
	if !ok {
		return internalErrorf("encoding the report: it does not end an object")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(body)
	bw.WriteString(",\n  \"trace\": [")
	var item bytes.Buffer
	enc := json.NewEncoder(&item)
	enc.SetEscapeHTML(false)
	sep := "\n    "
	err := spool.lines(func(line []byte) error {
		item.Reset()
		if err := enc.Encode(string(line)); err != nil {
			return err
		}
		bw.WriteString(sep)
		bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		sep = ",\n    "
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the trace back: %v", err)
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}
