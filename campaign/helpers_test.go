package campaign

import (
	"fmt"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/adapter/paxos"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// registry holds paxsim's own protocols, as cmd/paxsim registers them.
var registry = func() *harness.Registry {
	r, err := harness.NewRegistry(builtin.Protocols()...)
	if err != nil {
		panic(err)
	}
	return r
}()

// protocolOf is the protocol c names.
func protocolOf(c engine.Config) *harness.Protocol {
	p, err := registry.Lookup(c.Protocol)
	if err != nil {
		panic(fmt.Sprintf("config of %+v: %v", c, err))
	}
	return p
}

// defaultConfig is `paxsim run`'s configuration of single-decree Paxos.
func defaultConfig() engine.Config {
	c := engine.Default()
	c.Protocol = paxos.Name
	return c
}

// readReproducer reads a reproducer of any of paxsim's own protocols.
func readReproducer(path string) (Reproducer, error) {
	r, _, err := ReadReproducer(path, registry.Lookup)
	return r, err
}
