// Package script runs scenario scripts: named, hand-written schedules of
// any protocol, each with the outcome it must produce, that one watches
// step by step. A scenario file opens with comments saying what it shows
// and why, then holds one or more runs in the datadriven format that go
// test checks as golden files:
//
//	run [protocol=NAME] [variant=V] [nodes=N] [seed=S] [KNOB=VALUE ...] expect=PROPERTY|ok
//	client 1 proposes v1 to 1
//	deliver client->1 Request
//	deliver 1->2 Prepare
//	...
//	----
//	(the printout: every step as taken, what the nodes observably did, and
//	each node's durable state after it; then the verdict)
//
// A run line names the protocol (the caller's default when it names none),
// the variant ("none", the correct protocol, by default), the nodes (3),
// the seed that draws a settle step's timing (1), the protocol's own knobs
// (alpha=2, checked by the protocol's engine.Knob), and the expectation:
// ok, or the property the run must break (among others).
//
// The steps, one handler each (steps.go):
//
//   - "client C OP to N" sends client C's next operation to replica N, in
//     the engine's client-step syntax (engine.ParseClientStep): "client 1
//     proposes v1 to 1", "client 1 put a 1.1 to 2", "client 3 reconfig 1+2
//     to 1"; "client C retry to N" sends its unanswered one again.
//   - "deliver", "drop" or "dup" with a link and a message type, the text
//     before "(" ("deliver 1->2 Promise"), or a whole message ("deliver
//     1->2 Promise(1.1, accepted=(-, -))"); "client" is the link's sender
//     for client requests. A step takes the first such message in flight;
//     dup injects a copy of the latest such message sent. Matching by type
//     lets one schedule run under the correct protocol and under a variant
//     whose messages differ.
//   - "send FROM->TO MESSAGE" puts a hand-written message in flight, for a
//     protocol whose adapter reads messages (engine.MessageParser).
//   - "timer N [NAME|TAG]" fires node N's timer, named as engine.Info.Timers
//     names them or by number (tag 0 when none is given).
//   - "crash N" and "restart N".
//   - "deliver-all" delivers every message in flight, in sending order,
//     until none is left.
//   - "rand N V", after a step, is node N's random draw in that step, as a
//     decision trace records it; without one, draws come from the seed.
//   - "settle", the last step if any: faults heal and the cluster runs on
//     its own, timed, with the seed drawing its timing, until it is done or
//     the liveness bound passes (how a scenario shows a stall).
//
// Parse reads a file without knowing its protocols; Check validates what
// depends on them (variants, knobs, client steps, timer names); Execute
// runs one block through an engine.Session over a Choice world, as every
// other verb judges a run; CheckGolden compares its printout with the
// file's. Import turns a decision trace into a scenario.
package script
