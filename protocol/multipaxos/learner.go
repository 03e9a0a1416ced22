package multipaxos

import (
	"math/bits"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

func bitsTrailing(x uint64) int { return bits.TrailingZeros64(x) }

// learn records that e.Cmd is chosen at e.Instance, reports it, and applies
// whatever that completes of the log, in order. The entry keeps the ballot
// this acceptor accepted the same value at, if it did; else it claims no
// accepted ballot there. at is the ballot the value was chosen in, when
// this replica knows it (it counted the votes, or the leader that did told
// it), which the report names (checker.ChosenIntegrity); zero when not.
func (n *Node) learn(env *Env, e Entry, at Ballot) {
	i := e.Instance
	if i <= n.prefix || i < 1 {
		return
	}
	cur := n.entry(i)
	if cur != nil && cur.Chosen {
		return
	}
	ne := Entry{Instance: i, View: e.View, Cmd: e.Cmd, Chosen: true}
	if cur != nil && cur.Cmd == e.Cmd && cur.View == e.View {
		ne.Ballot = cur.Ballot
	}
	n.set(ne)
	n.observe(env, checker.Observation{Kind: checker.Learned, Instance: i, Ballot: at, Value: e.Cmd.ID})
	for k := range n.pending {
		if n.pending[k].entry.Instance == i {
			// Chosen, as an acceptor that knew it answered: the proposal
			// (which can only carry the chosen value) is done.
			n.pending = append(n.pending[:k], n.pending[k+1:]...)
			break
		}
	}
	n.applyReady(env)
}

// learnCommits takes in commit notifications from a peer, sent in a
// message of ballot at: a leader notifies only what it counted chosen in
// its current ballot (a new ballot starts with no notification held).
func (n *Node) learnCommits(env *Env, from sim.NodeID, commits []Entry, at Ballot) {
	for _, c := range commits {
		if n.p.bug&bugCommitIndexOnly == 0 {
			n.learn(env, c, at)
			continue
		}
		// variant commit-index-only: the notification names the instance
		// alone, and whatever this replica accepted there is taken as
		// chosen.
		cur := n.entry(c.Instance)
		switch {
		case c.Instance <= n.prefix || (cur != nil && cur.Chosen):
		case cur == nil || cur.Ballot.IsZero():
			n.behind(env, from, c.Instance)
		default:
			n.learn(env, *cur, at)
		}
	}
}

// applyReady applies the chosen entries that extend the prefix, in order.
func (n *Node) applyReady(env *Env) {
	for {
		e := n.entry(n.prefix + 1)
		if e == nil || !e.Chosen {
			if n.catchupArmed && n.prefix >= n.ahead {
				env.Sometimes(n.catchupTries > 0, AssertCaughtUpByAsking)
				n.catchupArmed, n.catchupTries = false, 0 // caught up
				env.CancelTimer(catchupTimer)
			}
			return
		}
		n.prefix++
		n.dirty = true
		n.apply(env, *e)
	}
}

// apply executes one entry on the service, reports it, and answers the
// client waiting here for it. A reconfiguration applied by a leader opens
// its window: the leader fills it with no-ops when idle, so that the new
// view governs soon.
func (n *Node) apply(env *Env, e Entry) {
	env.Always(e.Chosen && e.Instance == n.prefix, AssertAppliesInOrder)
	out, effect := n.svc.apply(e.Instance, e.Cmd, n.p.bug&bugNoDedup == 0)
	n.observe(env, checker.Observation{Kind: checker.Applied, Instance: e.Instance, Value: e.Cmd.ID, State: n.svc.digest, Effect: effect})
	if e.Cmd.ID == NoOp {
		return
	}
	// A duplicate of the client's last request answers with the output
	// its first execution recorded; one older than that answers nobody.
	client, seq, _ := DecodeID(e.Cmd.ID)
	last, _ := n.svc.lastSeq(client)
	n.reply(env, e.Cmd.ID, effect || seq == last, out)
	if e.Cmd.Op == OpReconfig && effect && n.role == leader {
		n.fillTo = max(n.fillTo, e.Instance+n.p.alpha-1)
	}
}

// behind notes that peer knows the log chosen through instance chosen. A
// replica that lags asks for the entries it lacks when the catch-up timer
// fires, not at once: the notification may just be late (a heartbeat can
// overtake the accept that carries the commit).
func (n *Node) behind(env *Env, peer sim.NodeID, chosen int64) {
	if chosen >= n.ahead {
		n.ahead, n.aheadPeer = chosen, peer // the latest to know the most: likely alive
	}
	if n.catchupArmed || chosen <= n.prefix {
		return
	}
	n.catchupArmed = true
	env.SetTimer(catchupTimer, n.p.catchup)
}

// onCatchupTimeout asks for the missing entries while this replica lags
// what it heard of: the peer that told it, and every other time a random
// peer, in case that one is gone.
func (n *Node) onCatchupTimeout(env *Env) {
	n.catchupArmed = false
	if n.ahead <= n.prefix || n.p.nodes < 2 {
		n.catchupTries = 0
		return
	}
	n.catchupTries++
	n.catchupArmed = true
	env.SetTimer(catchupTimer, n.p.catchup)
	if n.catchupTries%2 == 0 || n.aheadPeer == 0 || n.aheadPeer == n.id {
		n.poll(env)
		return
	}
	n.send(env, n.aheadPeer, Msg{Type: LearnReq, From: n.prefix + 1})
}

// poll asks a random peer for the chosen entries past the prefix.
func (n *Node) poll(env *Env) {
	if n.p.nodes < 2 {
		return
	}
	peer := sim.NodeID(1 + env.Rand(n.p.nodes-1))
	if peer >= n.id {
		peer++
	}
	n.send(env, peer, Msg{Type: LearnReq, From: n.prefix + 1})
}

// onLearnReq answers with the chosen entries from the asked instance on:
// at most Config.CatchUp of the prefix, and the chosen entries past it.
func (n *Node) onLearnReq(env *Env, from sim.NodeID, m Msg) {
	lo := max(m.From, 1)
	out := n.scratch[:0]
	for i := lo; i <= n.prefix && len(out) < n.p.report; i++ {
		out = append(out, n.log[i-1])
	}
	for i := max(lo, n.prefix+1); i <= int64(len(n.log)) && len(out) < 2*n.p.report; i++ {
		if e := &n.log[i-1]; e.Chosen {
			out = append(out, *e)
		}
	}
	n.scratch = out
	if len(out) == 0 {
		return
	}
	n.send(env, from, Msg{Type: Learn, Chosen: n.prefix, Entries: n.arena.Copy(out)})
}

// onLearn learns chosen entries; while the sender knows more and this
// answer helped, it asks the same peer for the next ones at once.
func (n *Node) onLearn(env *Env, from sim.NodeID, m Msg) {
	before := n.prefix
	for _, e := range m.Entries {
		if e.Chosen {
			n.learn(env, e, Ballot{}) // a peer's log names no ballot it was chosen in
		}
	}
	if m.Chosen > n.ahead {
		n.ahead, n.aheadPeer = m.Chosen, from
	}
	if m.Chosen > n.prefix && n.prefix > before {
		n.send(env, from, Msg{Type: LearnReq, From: n.prefix + 1})
	}
	switch n.role {
	case leader:
		n.advance(env) // what it learned may open the window
	case candidate:
		n.tryWin(env) // or change the view it needs a majority of
	}
}
