package model

import (
	"fmt"
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/sim"
)

// request is one client's request in a search, in the world from the
// start, delivered in its client's turn (turns.go).
type request[M sim.Message] struct {
	step   engine.ClientStep // "client C OP to N", as a counterexample writes it
	seq    int               // the client's request 1, 2, ...
	msg    M
	value  checker.Value // what the replicas report the command as
	digest uint64        // msg's digest, to know a delivery of it
	label  string        // its delivery, as an explorer step
}

// requests builds the clients' requests of a search of c (resolved as
// cfg) through the protocol's Request: a Consensus client c proposes
// checker.Value(c) to proposer c (replica c, unless Info.Roles makes
// only some nodes proposers); a KeyValue client c puts key "a"+(c-1) to
// "c.1", "c.2", ... (cfg.Commands requests) at proposer ((c-1) mod
// proposers)+1, but for the last, whose one request with c.Reconfig
// reconfigures the cluster to those members. With c.SharedProposer every
// client asks the first proposer.
func requests[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c CheckConfig, cfg engine.Config) []request[M] {
	var out []request[M]
	asked := askedNodes(info, cfg)
	for cl := 1; cl <= cfg.Clients; cl++ {
		st := engine.ClientStep{Client: cl, To: asked[(cl-1)%len(asked)]}
		if c.SharedProposer {
			st.To = asked[0]
		}
		for seq := 1; seq <= cfg.Commands; seq++ {
			switch {
			case info.Workload.Kind == engine.Consensus:
				st.Op = engine.Op{Kind: engine.OpPropose, Proposal: checker.Value(cl)}
			case cl == cfg.Clients && len(c.Reconfig) > 0:
				st.Op = engine.Op{Kind: engine.OpReconfig, Members: c.Reconfig}
			default:
				st.Op = engine.Op{Kind: engine.OpPut, Key: string(rune('a' + cl - 1)), Arg: fmt.Sprintf("%d.%d", cl, seq)}
			}
			msg, value := p.Request(engine.Request{Client: cl, Seq: seq, Op: st.Op})
			a := sim.Action[M]{Kind: sim.ActDeliver, From: sim.External, To: st.To, Msg: msg}
			out = append(out, request[M]{step: st, seq: seq, msg: msg, value: value, digest: msg.Digest(), label: a.String()})
			if st.Op.Kind == engine.OpReconfig || info.Workload.Kind == engine.Consensus {
				break // one reconfiguration; one proposal
			}
		}
	}
	return out
}

// askedNodes is the nodes a search's clients ask, in order: the
// proposers (every node, unless Info.Roles says otherwise).
func askedNodes(info *engine.Info, cfg engine.Config) []sim.NodeID {
	var out []sim.NodeID
	for m := info.RolesOf(cfg.Nodes).Proposers; m != 0; m &= m - 1 {
		out = append(out, sim.NodeID(bits.TrailingZeros64(m)))
	}
	return out
}
