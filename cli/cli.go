package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
)

// stopSignals stop a campaign cleanly: Ctrl-C, and SIGTERM, which is what
// Kubernetes (and timeout, and kill) send. It still prints its summary
// and keeps its findings; a second signal kills it.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// Program is the name the command line gives the program it runs in: its
// usage lines and error messages, and every command its output tells the
// user to run (PROGRAM replay FILE, PROGRAM run --seed N ..., the help's
// examples), start with it. While it is empty, Main uses the base name of
// the binary running (os.Args[0]), so that a program of one's own, built
// or started with go run, names itself; Run uses "paxsim". paxsim's own
// main sets it to "paxsim".
var Program string

// Main runs the command line of a program that registers protocols, the
// first the default, with the program's arguments, and returns its exit
// code. The first SIGINT or SIGTERM stops a campaign, a shrink, a check,
// mutants or view cleanly (command.stops), and ends any other command at
// once with exit code 4 (incomplete); a second one kills the program.
func Main(protocols ...*harness.Protocol) int {
	name := cmp.Or(Program, binaryName(os.Args[0], mainPackage()))
	reg, err := harness.NewRegistry(protocols...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return report.ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	watched := len(os.Args) > 1 && lookupCommand(os.Args[1]) != nil && lookupCommand(os.Args[1]).stops
	go func() {
		<-ctx.Done()
		stop() // the first signal stops a campaign cleanly; a second one kills
		if !watched {
			// The command does not watch ctx: it would finish its work
			// as if no signal had come. It ends now, incomplete.
			fmt.Fprintf(os.Stderr, "%s: interrupted: stopped before the end, so not a pass\n", name)
			os.Exit(report.ExitIncomplete)
		}
	}()
	return run(ctx, name, reg, os.Args[1:], os.Stdout, os.Stderr)
}

// binaryName is the name a user runs the binary at path by: its base name,
// without Windows' .exe; or, for the binary `go run` built, "go run" with
// its main package's import path (main, when known), which runs it again
// from anywhere in its module: the replay and shrink lines a run prints
// then work as printed. `go run` builds in a temporary directory
// (.../go-build.../exe/NAME), gone when it ends, and since Go 1.24 runs a
// build it already made from the build cache (GOCACHE/XX/HASH-d/NAME),
// which is no command in a shell either.
func binaryName(path, main string) string {
	if dir := filepath.Dir(path); main != "" && (filepath.Base(dir) == "exe" && strings.Contains(dir, "go-build") || goRunCached(dir)) {
		return "go run " + main
	}
	name := strings.TrimSuffix(filepath.Base(path), ".exe")
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "paxsim"
	}
	return name
}

// goRunCached reports whether dir is where the build cache keeps an
// executable that go run built: XX/HASH-d, XX the hash's first two hex
// digits.
func goRunCached(dir string) bool {
	base, parent := filepath.Base(dir), filepath.Base(filepath.Dir(dir))
	hash, ok := strings.CutSuffix(base, "-d")
	return ok && len(hash) == 64 && len(parent) == 2 && strings.HasPrefix(hash, parent) && isHex(hash)
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// mainPackage is the import path of the program's main package, "" when
// the binary carries no build information.
func mainPackage() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Path
	}
	return ""
}

// Run runs the command line args (without the program name) over the
// protocols of reg, and returns the exit code. A cancelled ctx stops a
// campaign or a shrink early. Its messages name the program Program, or
// "paxsim" while that is empty.
func Run(ctx context.Context, reg *harness.Registry, args []string, stdout, stderr io.Writer) int {
	return run(ctx, cmp.Or(Program, "paxsim"), reg, args, stdout, stderr)
}

// run is Run for the program called name.
func run(ctx context.Context, name string, reg *harness.Registry, args []string, stdout, stderr io.Writer) (code int) {
	x := &invocation{stdout: bufio.NewWriter(stdout), stderr: stderr, ctx: ctx, reg: reg, program: name}
	defer func() {
		if p := recover(); p != nil {
			x.stdout.Flush()
			fmt.Fprintf(stderr, "%s: internal error (a bug in paxsim, please report it): %v\n%s", name, p, debug.Stack())
			code = report.ExitInternal
		}
	}()
	code = x.exit(x.dispatch(ctx, args))
	// A report that could not be written (a full disk, a closed pipe) is
	// not a pass: the bufio.Writer keeps the first write error.
	if err := x.stdout.Flush(); err != nil && code == report.ExitOK {
		fmt.Fprintf(stderr, "%s: cannot write the standard output: %v\n", name, err)
		code = report.ExitUsage
	}
	return code
}

// named is text written for paxsim, help or a message, with every command
// line in it ("paxsim replay FILE", "paxsim COMMAND --help", 'paxsim
// variants') started by the program's name instead, for a program of
// one's own.
func (x *invocation) named(text string) string {
	if x.program == "paxsim" {
		return text
	}
	ref := regexp.MustCompile(`\bpaxsim( (?:<command>|(?:COMMAND|` + strings.Join(commandNames(), "|") + `)\b))`)
	return ref.ReplaceAllString(text, strings.ReplaceAll(x.program, "$", "$$")+"$1")
}

// invocation is one call of Run: the protocols, and where the output goes.
type invocation struct {
	stdout *bufio.Writer // flushed before anything goes to stderr
	stderr io.Writer     // as given to Run: campaign checks if it is a terminal
	// ctx is Run's: it also stops a second paxsim process that
	// --check-determinism runs.
	ctx context.Context
	reg *harness.Registry
	// program is the program's name, which the commands the output tells
	// the user to run start with (Program).
	program string
}

func (x *invocation) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		x.stdout.Flush()
		x.writeShortUsage(x.stderr)
		return errSilentUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		x.writeMainHelp(x.stdout)
		return nil
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		x.stdout.Flush()
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(x.stderr, "%s: unknown flag %s (flags come after the command)\n", x.program, name)
		} else {
			fmt.Fprintf(x.stderr, "%s: unknown command %q\n", x.program, name)
		}
		x.writeShortUsage(x.stderr)
		return errSilentUsage
	}
	o, pos, err := x.parseFlags(cmd, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		x.writeCommandHelp(x.stdout, cmd, o.p, true)
		return nil
	}
	if err != nil {
		return err
	}
	return cmd.run(ctx, x, o, pos)
}

// exitError ends a command with an exit code and, unless msg is empty, a
// message on stderr.
type exitError struct {
	code int
	msg  string
	// cmd, for a usage error, is the command whose help to point at.
	cmd string
}

func (e *exitError) Error() string { return e.msg }

// errFound ends a command that found a violation: its report is already
// printed.
var errFound = &exitError{code: report.ExitViolation}

// errSilentUsage is a usage error whose explanation is already printed.
var errSilentUsage = &exitError{code: report.ExitUsage}

func usageErrorf(cmd, format string, args ...any) error {
	return &exitError{code: report.ExitUsage, msg: fmt.Sprintf(format, args...), cmd: cmd}
}

func inputErrorf(format string, args ...any) error {
	return &exitError{code: report.ExitUsage, msg: fmt.Sprintf(format, args...)}
}

func internalErrorf(format string, args ...any) error {
	return &exitError{code: report.ExitInternal, msg: "internal error (a bug in paxsim, please report it): " + fmt.Sprintf(format, args...)}
}

// codeOf is the exit code err ends a command with (ExitOK for nil).
func codeOf(err error) int {
	if err == nil {
		return report.ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return report.ExitUsage
}

// exit prints err, if any, and returns its exit code.
func (x *invocation) exit(err error) int {
	if err == nil {
		return report.ExitOK
	}
	x.stdout.Flush() // the report first, then the complaint
	var e *exitError
	if !errors.As(err, &e) {
		e = &exitError{code: report.ExitUsage, msg: err.Error()}
	}
	if e.msg != "" {
		fmt.Fprintf(x.stderr, "%s: %s\n", x.program, x.named(e.msg))
	}
	switch e.cmd {
	case "":
	case "help":
		fmt.Fprintf(x.stderr, "run '%s help' for usage\n", x.program)
	default:
		fmt.Fprintf(x.stderr, "run '%s %s --help' for usage\n", x.program, e.cmd)
	}
	return e.code
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return usageErrorf(cmd, "unexpected argument %q", args[0])
	}
	return nil
}

// runError is the exit of cmd when running a seed or a trace failed: a
// step that cannot be taken is bad input, a bad config a usage error.
func runError(cmd string, info *engine.Info, err error) error {
	var le *engine.LineError
	switch {
	case errors.As(err, &le):
		return inputErrorf("%v", err)
	case err != nil:
		return configError(cmd, info, err)
	}
	return nil
}
