// Package diagram draws a run as a space-time diagram: one lane per replica
// and client, time flowing down, one row per step, and every message an
// arrow from the step that sent it to the step that delivered or lost it.
// Dropped messages end in a cross where they were lost; crashes, slowdowns
// and partitions shade the lanes they hold; each row carries what the nodes
// observed during the step, and each replica's durable state (an
// acceptor's promise and accepted value) after it.
//
// A Builder turns a replay into a Diagram: the world's trace entries
// (sim.World.SetTracer), its sends (sim.World.SetSendTracer), the clients'
// requests and answers, the nodes' observations and their durable states
// after each step, all in the order the run produced them. The package
// knows nothing of Paxos: states and notes are text the caller words
// (scenarios.Draw does it for paxsim's protocols).
//
// Two renderers read a Diagram:
//
//   - HTML writes one self-contained page (inline SVG, CSS and a little
//     JavaScript; no network, no external assets) in which hovering over a
//     step shows every replica's state after it;
//   - Mermaid writes a Mermaid sequenceDiagram to paste into an issue or a
//     pull request: ->> for a delivered message, -x for a lost one, notes
//     for crashes, partitions, timers and what the nodes observed.
//
// Both outputs depend only on the Diagram: the same replay renders the same
// bytes.
package diagram
