// Package cli is paxsim's command line, for any protocol: every verb (run,
// campaign, replay, shrink, scenario, check, mutants, variants, merge and
// help) runs the protocols a program registers, each bound to the harness
// (harness.New). paxsim's own main is
//
//	func main() {
//		cli.Program = "paxsim" // whatever the binary is called
//		os.Exit(cli.Main(builtin.Protocols()...))
//	}
//
// and a program of one's own that registers its protocol the same way gets
// every verb for it, with --protocol NAME. Such a program names itself, by
// its binary's name, wherever the output tells the user what to run
// (Program). The flags of a run come from tables: the engine's own knobs
// (engine.Config), the workload's (proposers for a consensus workload;
// clients, commands and reconfigurations for a key-value service), and the
// chosen protocol's knobs (engine.Info.Knobs), each a flag whose help
// states its default.
//
// The exit codes are report's: 0 a pass, 1 a violation, 2 bad usage or
// input, 3 a coverage gap, 4 incomplete, 5 an internal error.
package cli
