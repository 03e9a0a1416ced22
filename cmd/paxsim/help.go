package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/scenarios"
)

// intro is the top of the main help and of the package documentation.
const intro = `Paxsim runs Paxos in a deterministic simulator. Every message delay, loss,
duplicate and re-delivery, every crash, partition and slowdown, and every
client request time is drawn from one seed, and every executed event is
folded into a trace hash: the same seed and options give the same run, event
for event, on any machine. A failing run is a seed you can run again.

Safety (agreement, validity, learner integrity) is checked at every step.
When faults heal (--heal-at), liveness is judged too: a value must be chosen
and learned by every replica within --liveness ticks.`

var helpCmd = &command{
	name:  "help",
	usage: "[command]",
	short: "explain a command and its flags",
	long: `Help explains paxsim or one of its commands, with every flag and its
default. "paxsim COMMAND --help" says the same.`,
	run: func(_ context.Context, x *invocation, _ *options, args []string) error {
		switch len(args) {
		case 0:
			writeMainHelp(x.stdout)
			return nil
		case 1:
			cmd := lookupCommand(args[0])
			if cmd == nil {
				return usageErrorf("help", "unknown command %q (commands: %s)", args[0], commandNames())
			}
			writeCommandHelp(x.stdout, cmd, true)
			return nil
		}
		return usageErrorf("help", "help takes at most one command, not %d arguments", len(args))
	},
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// writeShortUsage is the reminder printed for a missing or unknown command.
func writeShortUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: paxsim <command> [arguments]\ncommands: %s\nrun 'paxsim help' for details\n", commandNames())
}

func writeMainHelp(w io.Writer) {
	fmt.Fprintf(w, "%s\n\n", intro)
	writeCommandList(w)
}

// writeCommandList is the main help after the introduction.
func writeCommandList(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n\n\tpaxsim <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.short)
	}
	fmt.Fprintf(w, "\nUse \"paxsim help <command>\" or \"paxsim <command> --help\" for more about a command.\n\n%s\n", exitStatusText())
}

// writeCommandHelp explains cmd and every flag it takes. Without
// withConfig, the config flags are only named (the package documentation
// lists them once, for all the commands that take them).
func writeCommandHelp(w io.Writer, cmd *command, withConfig bool) {
	fmt.Fprintf(w, "%s\n\n%s\n", strings.TrimSpace("usage: paxsim "+cmd.name+" "+cmd.usage), cmd.long)
	o := &options{set: map[string]bool{}}
	o.cfg = scenarios.Default()
	fs := newFlagSet(cmd, o)
	var own []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if !cmd.config || !isConfigFlag(f.Name) {
			own = append(own, f)
		}
	})
	if len(own) > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		for _, f := range own { // VisitAll sorts by name
			writeFlag(w, f)
		}
	}
	if !cmd.config {
		return
	}
	if !withConfig {
		fmt.Fprintf(w, "\nIt takes the config flags, listed below.\n")
		return
	}
	fmt.Fprintf(w, "\n")
	writeConfigFlags(w, fs)
}

// writeConfigFlags lists the config flags of fs in table order.
func writeConfigFlags(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Config flags (a run is a pure function of these and the seed):\n")
	for _, cf := range configFlags {
		writeFlag(w, fs.Lookup(cf.name))
	}
}

// writeFlag explains one flag, flag.PrintDefaults style but with the
// double dash paxsim's documentation uses, and always with its default,
// once: a usage that states its default ("(default ...)", because the
// flag's zero value stands for it) keeps its own words.
func writeFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	isBool := false
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		isBool, name = true, ""
	}
	fmt.Fprintf(w, "  --%s", f.Name)
	if name != "" {
		fmt.Fprintf(w, " %s", name)
	}
	switch {
	case strings.Contains(usage, "(required"), strings.Contains(usage, "(default"):
		// the usage says it, in its own words
	case isBool && f.DefValue == "false":
		usage += " (default off)"
	case f.DefValue == "":
		usage += " (default none)"
	default:
		usage += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	for _, line := range wrap(usage, 72) {
		fmt.Fprintf(w, "\n      %s", line)
	}
	fmt.Fprintf(w, "\n")
}

// wrap breaks s into lines of at most width bytes, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

// docComment is the package documentation, doc.go's comment: the main help
// and every command's help, which TestDocHelp keeps in step with doc.go.
func docComment() string {
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	block(&b, func(w io.Writer) { writeCommandList(w) })
	for _, c := range commands {
		fmt.Fprintf(&b, "# paxsim %s\n\n", c.name)
		block(&b, func(w io.Writer) { writeCommandHelp(w, c, false) })
	}
	b.WriteString("# Config flags\n\n")
	block(&b, func(w io.Writer) {
		o := &options{cfg: scenarios.Default(), set: map[string]bool{}}
		writeConfigFlags(w, newFlagSet(runCmd, o))
	})
	return b.String()
}

// block writes what f prints as one preformatted block of a doc comment.
func block(b *strings.Builder, f func(io.Writer)) {
	var out strings.Builder
	f(&out)
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("\t" + line + "\n")
	}
	b.WriteString("\n")
}

// docSource is the content of doc.go.
func docSource() string {
	var b strings.Builder
	b.WriteString("// Code generated by \"go test ./cmd/paxsim -run TestDocHelp -update\" from the help text; DO NOT EDIT.\n\n")
	for _, line := range strings.Split(strings.TrimRight(docComment(), "\n"), "\n") {
		switch {
		case line == "":
			b.WriteString("//\n")
		case strings.HasPrefix(line, "\t"):
			b.WriteString("//" + line + "\n")
		default:
			b.WriteString("// " + line + "\n")
		}
	}
	b.WriteString("package main\n")
	return b.String()
}
