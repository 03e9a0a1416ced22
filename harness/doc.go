// Package harness puts a Paxos implementation under every paxsim verb.
//
// A protocol is written once, as an engine.Protocol adapter: a node
// factory, how a client's request becomes a message and how its answer is
// recognised, how durable state reads, and a static Info (variants, knobs,
// workload, the properties that apply). New binds it to the generic
// engine, decision traces, scenario scripts and the explorer model, and
// returns a Protocol: one non-generic handle that campaigns, mutants and
// the command line drive. paxsim's own protocols are bound the same way:
//
//	p := harness.New[mypaxos.Msg, mypaxos.State](mypaxos.Adapter{})
//	os.Exit(cli.Main(p))
//
// A Registry holds the protocols one binary knows, and looks them up by
// name.
package harness
