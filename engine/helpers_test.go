package engine_test

import (
	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// The reference protocols, bound through the public API as a user's are.
var (
	paxosP = builtin.Paxos()
	mpP    = builtin.MultiPaxos()
)

// protocols lists both reference protocols.
var protocols = []*harness.Protocol{paxosP, mpP}

// fataler is a test: testing's or rapid's.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// run runs seed of c under p, failing the test on a config error.
func run(t fataler, p *harness.Protocol, c engine.Config, seed uint64, opts engine.Options) engine.Result {
	t.Helper()
	res, err := p.Run(c, seed, opts)
	if err != nil {
		t.Fatalf("%s seed %d: %v", p.Name(), seed, err)
	}
	return res
}

// mpConfig is a Multi-Paxos campaign's configuration with the issue's
// faults: drops, duplicates, crashes, partitions and (by default)
// reconfigurations.
func mpConfig(variant string) engine.Config {
	c := config(mpP.Name())
	c.Variant = variant
	c.Drop, c.Dup, c.Crash, c.Partition = 0.05, 0.02, 0.01, 0.01
	return c
}

// first is the first violation's text, for messages.
func first(res *engine.Result) string {
	if !res.Failed() {
		return "no violation"
	}
	return res.Violations[0].String()
}
