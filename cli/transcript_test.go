package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata transcripts and doc.go from the current output")

// A transcript, testdata/*.txt, is a CLI session: comment lines (#) at the
// top say what it shows, then each command is a line
//
//	$ paxsim ARGS --> exit CODE
//
// followed by what it prints: stdout, then, if anything went to stderr, a
// "[stderr]" line and stderr. A blank line ends the output. In ARGS, $WORK
// is a fresh temporary directory, shown as $WORK in the output too. Wall
// times and rates are masked. "go test -update" rewrites the outputs and
// exit codes.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runTranscript(t, file)
		})
	}
}

type transcriptStep struct {
	args   string // after "paxsim "
	code   int
	output string
	line   int
}

var commandLine = regexp.MustCompile(`^\$ paxsim(.*) --> exit (\d+)$`)

func parseTranscript(t *testing.T, file string) (header string, steps []transcriptStep) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	i := 0
	for ; i < len(lines) && !strings.HasPrefix(lines[i], "$ "); i++ {
		header += lines[i]
	}
	for i < len(lines) {
		m := commandLine.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			t.Fatalf("%s:%d: want \"$ paxsim ARGS --> exit CODE\", have %q", file, i+1, lines[i])
		}
		code, _ := strconv.Atoi(m[2])
		step := transcriptStep{args: strings.TrimSpace(m[1]), code: code, line: i + 1}
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "$ "); i++ {
			step.output += lines[i]
		}
		step.output = strings.TrimSuffix(step.output, "\n") // the separating blank line
		steps = append(steps, step)
	}
	return header, steps
}

func runTranscript(t *testing.T, file string) {
	header, steps := parseTranscript(t, file)
	work := t.TempDir()
	var rewritten strings.Builder
	rewritten.WriteString(header)
	for _, step := range steps {
		args := strings.Fields(strings.ReplaceAll(step.args, "$WORK", work))
		code, output := runCLI(t, context.Background(), args...)
		output = maskOutput(strings.ReplaceAll(output, work, "$WORK"))
		if *update {
			fmt.Fprintf(&rewritten, "$ %s --> exit %d\n%s\n", strings.TrimSpace("paxsim "+step.args), code, output)
			continue
		}
		if code != step.code {
			t.Errorf("%s:%d: paxsim %s: exit %d, want %d\noutput:\n%s", file, step.line, step.args, code, step.code, output)
		}
		if output != step.output {
			t.Errorf("%s:%d: paxsim %s: output differs (go test -update rewrites it)\n%s", file, step.line, step.args, lineDiff(step.output, output))
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(rewritten.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runCLI runs paxsim in-process and returns its exit code and its output as
// a transcript shows it.
func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, registry, args, &stdout, &stderr)
	out := stdout.String()
	if stderr.Len() > 0 {
		out += "[stderr]\n" + stderr.String()
	}
	return code, out
}

// What changes from one campaign to the next: wall time and rates.
var masks = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?m)^(wall time: +|throughput: +|wall: +|states/s: +|memory: +).*$`), "${1}[masked]"},
	{regexp.MustCompile(`"(wall_seconds|shrink_seconds|events_per_second|seeds_per_second|states_per_second|cpu_seconds|bytes_per_state)": ?[0-9.e+-]+`), `"$1": "[masked]"`}, // indented or one line
}

func maskOutput(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.repl)
	}
	return s
}

// lineDiff shows the first differing line of two outputs, with context.
func lineDiff(want, have string) string {
	w, h := strings.Split(want, "\n"), strings.Split(have, "\n")
	for i := 0; i < max(len(w), len(h)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(h) {
			b = h[i]
		}
		if a != b {
			return fmt.Sprintf("first difference at output line %d:\n want: %q\n have: %q\nfull output:\n%s", i+1, a, b, have)
		}
	}
	return "outputs differ only in line endings"
}
