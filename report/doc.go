// Package report holds what paxsim's verbs report and how it reads: the
// report of a run, of a campaign (its summary with the coverage table and
// the verdict line, and a shard's), of an exhaustive check, of the
// mutation score and the variant catalogue, each as text and as JSON, and
// the table of exit codes whose verdict words the JSON reports carry.
//
// The reports are protocol-generic: what a protocol's workload is (a
// consensus object's chosen value and learners, or a key-value service's
// operations and log) comes from its engine.Info. The command line (package
// cli) fills them in and writes them; a program of one's own may too.
package report
