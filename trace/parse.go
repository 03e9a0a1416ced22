package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

var stepVerbs = map[string]bool{
	"client": true, "deliver": true, "drop": true, "dup": true, "timer": true,
	"crash": true, "restart": true, "heal": true, "rand": true, "liveness": true,
}

// Parse reads a decision-trace file; errors are *engine.LineError naming
// the file and line. The configuration is read, not checked: which
// protocol it names is the caller's to look up (Check).
func Parse(r io.Reader, file string) (*Trace, error) {
	t := &Trace{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n, header := 0, 0
	fail := func(format string, args ...any) error {
		return &engine.LineError{File: file, Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			switch {
			case header == 3:
				t.Lines = append(t.Lines, sim.ScriptLine{N: n, Text: line})
			case header == 0 && line != "":
				t.Comments = append(t.Comments, strings.TrimSpace(strings.TrimPrefix(line, "#")))
			}
			continue
		}
		switch header {
		case 0:
			if line != Format {
				return nil, fail("not a decision trace: want %q first, found %q", Format, line)
			}
		case 1:
			body, ok := strings.CutPrefix(line, "config ")
			if !ok {
				return nil, fail("want the config line (config {...}), found %q", line)
			}
			dec := json.NewDecoder(strings.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&t.Config); err != nil {
				return nil, fail("bad config: %v", err)
			}
		case 2:
			body, ok := strings.CutPrefix(line, "seed ")
			seed, err := strconv.ParseUint(body, 10, 64)
			if !ok || err != nil {
				return nil, fail("want the seed line (seed N), found %q", line)
			}
			t.Seed = seed
		default:
			verb, _, _ := strings.Cut(line, " ")
			if !stepVerbs[verb] {
				return nil, fail("unknown step %q (want client, deliver, drop, dup, timer, crash, restart, heal, rand or liveness)", verb)
			}
			t.Lines = append(t.Lines, sim.ScriptLine{N: n, Text: line})
			continue
		}
		header++
	}
	if err := sc.Err(); err != nil {
		return nil, &engine.LineError{File: file, Line: n, Msg: err.Error()}
	}
	if header < 3 {
		return nil, &engine.LineError{File: file, Line: n, Msg: "incomplete header: want paxsim-trace, config and seed lines"}
	}
	return t, nil
}
