package harness

import (
	"fmt"
	"strings"
)

// Registry is the protocols one binary knows, in the order given: the
// first is the default.
type Registry struct {
	list []*Protocol
}

// NewRegistry registers ps; two protocols of one name, or one whose
// adapter is wrong (Protocol.Err), is an error.
func NewRegistry(ps ...*Protocol) (*Registry, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("no protocol registered")
	}
	r := &Registry{}
	for _, p := range ps {
		if p.Err() != nil {
			return nil, p.Err()
		}
		if _, err := r.Lookup(p.Name()); err == nil {
			return nil, fmt.Errorf("protocol %q registered twice", p.Name())
		}
		r.list = append(r.list, p)
	}
	return r, nil
}

// Lookup returns the protocol called name; an unknown name's error lists
// the known ones.
func (r *Registry) Lookup(name string) (*Protocol, error) {
	for _, p := range r.list {
		if p.Name() == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("unknown protocol %q (known: %s)", name, strings.Join(r.Names(), ", "))
}

// Names lists the protocols' names, the default first.
func (r *Registry) Names() []string {
	out := make([]string, len(r.list))
	for i, p := range r.list {
		out[i] = p.Name()
	}
	return out
}

// All lists the protocols, the default first.
func (r *Registry) All() []*Protocol { return r.list }

// Default is the protocol a verb runs without --protocol.
func (r *Registry) Default() *Protocol { return r.list[0] }
