// Package view serves one run in the browser (paxsim view): its
// space-time diagram, drawn by package diagram as a failure folder's
// diagram.html is; a step at a time, back and forth; every replica's
// durable and volatile state and the messages in flight at the current
// step; each property's status there, the step that first broke it
// marked; and forks. At any step of the schedule the page lists the
// actions the Choice world enables there (deliver, drop or duplicate each
// message, fire each timer, crash or restart each replica); taking one
// makes a new run, which goes on one chosen step at a time or to the end
// under a seed, and whose decision trace the page offers as a download
// that paxsim replay replays step for step. A decision trace pasted into
// the page opens it.
//
// The server holds one run and nothing else: it serves no file of the file
// system, only the page (every asset embedded) and a small JSON API, to
// requests whose Host header is the address it serves, so that a page of
// another origin that rebinds its name to the loopback address gets
// nothing. Request bodies, times and a run's steps are bounded.
//
// A Server may be used by several goroutines (net/http's), one request
// at a time; every run it makes is a replay (package step), a pure
// function of the trace and, for a run to the end, the seed.
package view
