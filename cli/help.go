package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/report"
)

// intro is the top of the main help and of the CLI reference.
const intro = `Paxsim runs Paxos in a deterministic simulator. Every message delay, loss,
duplicate and re-delivery, every crash, partition and slowdown, and every
client request time is drawn from one seed, and every executed event is
folded into a trace hash: the same seed and options give the same run, event
for event, on any machine. A failing run is a seed you can run again.

Safety (agreement, validity, learner integrity, and for a replicated log the
log's consistency and exactly-once execution) is checked at every step. When
faults heal (--heal-at), liveness is judged too: every client must be
answered and every replica of the healed core must catch up within
--liveness ticks.`

var helpCmd = &command{
	name:  "help",
	usage: "[command] [--protocol NAME]",
	short: "explain a command and its flags",
	long: `Help explains paxsim or one of its commands, with every flag and its
default. "paxsim COMMAND --help" says the same. With --protocol, the
config flags are those of that protocol: its workload's and its own knobs.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(new(nameValue), "protocol", protocolUsage(o.reg))
	},
	run: func(_ context.Context, x *invocation, o *options, args []string) error {
		switch len(args) {
		case 0:
			x.writeMainHelp(x.stdout)
			return nil
		case 1:
			cmd := lookupCommand(args[0])
			if cmd == nil {
				return usageErrorf("help", "unknown command %q (commands: %s)", args[0], strings.Join(commandNames(), ", "))
			}
			x.writeCommandHelp(x.stdout, cmd, o.p, true)
			return nil
		}
		return usageErrorf("help", "help takes at most one command, not %d arguments", len(args))
	},
}

// commandNames lists the commands' names, in the table's order.
func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}

// writeShortUsage is the reminder printed for a missing or unknown command.
func (x *invocation) writeShortUsage(w io.Writer) {
	fmt.Fprint(w, x.named(fmt.Sprintf("usage: paxsim <command> [arguments]\ncommands: %s\nrun 'paxsim help' for details\n", strings.Join(commandNames(), ", "))))
}

func (x *invocation) writeMainHelp(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", intro)
	writeCommandList(&b, x.reg)
	fmt.Fprint(w, x.named(b.String()))
}

// writeCommandList is the main help after the introduction.
func writeCommandList(w io.Writer, reg *harness.Registry) {
	fmt.Fprintf(w, "Usage:\n\n\tpaxsim <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.short)
	}
	fmt.Fprintf(w, "\nThe protocols (--protocol NAME), the first the default:\n\n")
	for _, p := range reg.All() {
		fmt.Fprintf(w, "\t%-12s %s\n", p.Name(), p.Info().Summary)
	}
	fmt.Fprintf(w, "\nUse \"paxsim help <command> [--protocol NAME]\" or \"paxsim <command> --help\" for more about a command.\n\n%s\n", exitStatusText())
}

// exitStatusText is the "Exit status" paragraph of the help.
func exitStatusText() string {
	var b strings.Builder
	b.WriteString("Exit status, the same for every command (campaign, merge and check --json\nreport it too, as verdict and exit_code):\n")
	for _, s := range report.Statuses {
		for i, line := range wrap(s.Meaning, 60) {
			if i == 0 {
				fmt.Fprintf(&b, "  %d %-15s %s\n", s.Code, s.Verdict, line)
			} else {
				fmt.Fprintf(&b, "    %-15s %s\n", "", line)
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// writeCommandHelp explains cmd and every flag it takes, the config flags
// those of protocol p. Without withConfig, the config flags are only named
// (the CLI reference lists them once, for all the commands that take
// them).
func (x *invocation) writeCommandHelp(w io.Writer, cmd *command, p *harness.Protocol, withConfig bool) {
	var b strings.Builder
	writeCommandHelp(&b, x.reg, cmd, p, withConfig)
	fmt.Fprint(w, x.named(b.String()))
}

func writeCommandHelp(w io.Writer, reg *harness.Registry, cmd *command, p *harness.Protocol, withConfig bool) {
	fmt.Fprintf(w, "%s\n\n%s\n", strings.TrimSpace("usage: paxsim "+cmd.name+" "+cmd.usage), cmd.long)
	o := newOptions(reg, p, nil)
	fs := newFlagSet(cmd, o)
	var own []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if !cmd.config || !isConfigFlag(p.Info(), f.Name) {
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
	fmt.Fprintf(w, "\nConfig flags of --protocol %s (a run is a pure function of these and the seed):\n", p.Name())
	writeConfigFlags(w, fs, p, nil)
}

// writeConfigFlags lists the config flags of fs that apply to p, in
// table order, then p's knobs; with other, only those that do not apply
// to other (how p's flags differ from the default protocol's).
func writeConfigFlags(w io.Writer, fs *flag.FlagSet, p, other *harness.Protocol) {
	for _, cf := range configFlags {
		if cf.appliesTo(p.Info()) && (other == nil || !cf.appliesTo(other.Info())) {
			writeFlag(w, fs.Lookup(cf.name))
		}
	}
	for _, k := range p.Info().Knobs {
		writeFlag(w, fs.Lookup(k.Name))
	}
}

// writeFlag explains one flag, flag.PrintDefaults style but with the
// double dash paxsim's documentation uses, and always with its default,
// once: a usage that states its default ("(default ...)", because the
// flag's zero value stands for it) keeps its own words.
func writeFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	isBool := isBoolFlag(f.Value)
	if isBool {
		name = ""
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

// Reference is the CLI reference of a program with the protocols of reg:
// the main help, every command's help, and the config flags of each
// protocol, as plain text in the layout of a Go doc comment (each help a
// preformatted block). paxsim's doc.go is generated from it.
func Reference(reg *harness.Registry) string {
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	block(&b, func(w io.Writer) { writeCommandList(w, reg) })
	for _, c := range commands {
		fmt.Fprintf(&b, "# paxsim %s\n\n", c.name)
		block(&b, func(w io.Writer) { writeCommandHelp(w, reg, c, reg.Default(), false) })
	}
	def := reg.Default()
	b.WriteString("# Config flags\n\n")
	block(&b, func(w io.Writer) {
		fmt.Fprintf(w, "Config flags (a run is a pure function of these and the seed), of --protocol %s:\n", def.Name())
		writeConfigFlags(w, newFlagSet(runCmd, newOptions(reg, def, nil)), def, nil)
	})
	for _, p := range reg.All()[1:] {
		fmt.Fprintf(&b, "# Config flags of --protocol %s\n\n", p.Name())
		block(&b, func(w io.Writer) {
			fmt.Fprintf(w, "Instead of the workload flags of --protocol %s, and besides its other flags:\n", def.Name())
			writeConfigFlags(w, newFlagSet(runCmd, newOptions(reg, p, nil)), p, def)
		})
	}
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
