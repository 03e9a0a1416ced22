package multipaxos

import (
	"slices"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/sim"
)

// ---- election ----

func (n *Node) armElection(env *Env) {
	base := n.p.election
	shift := min(n.attempt, maxBackoffShift)
	env.SetTimer(electionTimer, base+sim.Time(env.Rand(int(base<<shift))))
}

func (n *Node) armTick(env *Env) { env.SetTimer(tickTimer, n.p.heartbeat) }

// onElectionTimeout campaigns unless a leader was heard since the timer
// was armed. Only a member of the view of the next instance it has to
// decide campaigns; the others are learners (or could not propose there
// anyway), and ask a random peer for chosen entries instead: a replica
// that lags may not know it is a member of the view that needs a leader.
func (n *Node) onElectionTimeout(env *Env) {
	if n.role == leader {
		return
	}
	if n.heard {
		n.heard = false
		n.armElection(env)
		return
	}
	if !n.proposalView(n.prefix + 1).Has(n.id) {
		n.poll(env)
		n.armElection(env)
		return
	}
	if n.role == candidate {
		n.attempt++
	}
	n.campaign(env)
}

// campaign starts phase 1 for a ballot above every one seen: one prepare,
// sent to every node, covers every instance past the prefix. The
// candidate's own acceptor promises at once (a local call), and the
// promise is durable before any prepare leaves (the handler persists
// atomically with its sends): a restarted replica never reuses a ballot.
func (n *Node) campaign(env *Env) {
	round := max(n.promised.Round, n.maxSeen.Round) + 1
	n.ballot = Ballot{Round: round, Node: int32(n.id)}
	n.role = candidate
	n.leader, n.leaderBallot = 0, Ballot{}
	n.promise(env, n.ballot, n.prefix+1)
	n.from = n.prefix + 1
	n.promisedBy = 1 << uint(n.id)
	n.recovered = n.recovered[:0]
	n.recoverTo, n.recoverChosen, n.blocked = n.prefix, n.prefix, 0
	n.pending, n.notify = n.pending[:0], n.notify[:0]
	n.absorb(env, n.report(env, n.ballot, n.from), n.prefix)
	n.gaps = n.gaps[:0]
	for id := sim.NodeID(1); int(id) <= n.p.nodes; id++ {
		if id != n.id {
			n.send(env, id, Msg{Type: Prepare, Ballot: n.ballot, From: n.from})
		}
	}
	n.armElection(env)
	n.armTick(env)
	n.tryWin(env)
}

// onPrepare is the acceptor's phase 1b: promise any ballot not below the
// current promise, for every instance, and report the accepted and chosen
// entries from the prepare's instance on.
func (n *Node) onPrepare(env *Env, from sim.NodeID, m Msg) {
	if m.Ballot.Less(n.promised) {
		n.send(env, from, Msg{Type: Nack, Ballot: n.promised})
		return
	}
	if n.promised.Less(m.Ballot) {
		n.promise(env, m.Ballot, m.From)
		if n.role != follower {
			n.stepDown(env)
		}
		n.leader, n.leaderBallot = 0, Ballot{} // it cannot lead us any more
	}
	n.heard = true // a candidate is at work: give it time
	n.send(env, from, Msg{Type: Promise, Ballot: m.Ballot, From: m.From, Chosen: n.prefix, Entries: n.report(env, m.Ballot, m.From)})
}

// promise raises the acceptor's promise, which binds every instance, to b
// (durable before any reply leaves). from is where the prepare's report
// starts, 0 for none.
func (n *Node) promise(env *Env, b Ballot, from int64) {
	n.promised = b
	n.dirty = true
	n.observe(env, checker.Observation{Kind: checker.Promised, Instance: from, Ballot: b, AllInstances: true})
}

// report lists what a promise to b reports from instance from on: the
// chosen prefix (at most Config.CatchUp entries of it: the rest the proposer
// learns by catching up) and every accepted or chosen entry past it. It
// observes the promise for each instance where it reports an accepted
// value.
func (n *Node) report(env *Env, b Ballot, from int64) []Entry {
	from = max(from, 1)
	out := n.scratch[:0]
	for i := from; i <= min(n.prefix, from+int64(n.p.report)-1); i++ {
		out = append(out, n.log[i-1])
	}
	for i := max(from, n.prefix+1); i <= int64(len(n.log)); i++ {
		if e := &n.log[i-1]; !empty(e) {
			out = append(out, *e)
		}
	}
	n.scratch = out
	out = n.arena.Copy(out)
	for k := range out {
		if e := &out[k]; !e.Ballot.IsZero() {
			n.observe(env, checker.Observation{Kind: checker.Promised, Instance: e.Instance, Ballot: b, Prior: e.Ballot, Value: e.Cmd.ID})
		}
	}
	return out
}

// onPromise counts a promise for the current ballot and takes in what it
// reports. A leader keeps counting: a later view may need the promises of
// members that were slow to answer.
func (n *Node) onPromise(env *Env, from sim.NodeID, m Msg) {
	if n.role == follower || m.Ballot != n.ballot || m.From != n.from {
		return
	}
	bit := uint64(1) << uint(from)
	if n.promisedBy&bit != 0 {
		return // a duplicate
	}
	n.promisedBy |= bit
	n.blocked &^= bit
	n.absorb(env, m.Entries, m.Chosen)
	n.noteGap(from, m)
	if m.Chosen > n.prefix {
		n.behind(env, from, m.Chosen)
	}
	if n.role == candidate {
		n.tryWin(env)
		return
	}
	n.advance(env)
}

// absorb takes in a promise's report: chosen entries are learned, and for
// every other instance the proposer keeps the entry of the highest ballot.
func (n *Node) absorb(env *Env, entries []Entry, chosen int64) {
	for _, e := range entries {
		n.recoverTo = max(n.recoverTo, e.Instance)
		if e.Chosen {
			n.learn(env, e, Ballot{}) // a promise's report names no ballot it was chosen in
			continue
		}
		if e.Instance <= n.prefix {
			continue
		}
		k, found := slices.BinarySearchFunc(n.recovered, e.Instance, func(x Entry, i int64) int { return cmpInt(x.Instance, i) })
		switch {
		case !found:
			n.recovered = slices.Insert(n.recovered, k, e)
		case n.recovered[k].Ballot.Less(e.Ballot):
			n.recovered[k] = e
		}
	}
	n.recoverChosen = max(n.recoverChosen, chosen)
}

// reportGap is what a promise did not carry of its acceptor's chosen
// prefix (Config.CatchUp caps a report): instances lo..hi, chosen there.
type reportGap struct {
	by     sim.NodeID
	lo, hi int64
}

// noteGap records the instances that promise m from by reports chosen
// (up to m.Chosen) but does not carry.
func (n *Node) noteGap(by sim.NodeID, m Msg) {
	lo := max(m.From, 1)
	for _, e := range m.Entries {
		if e.Chosen && e.Instance >= lo && e.Instance <= m.Chosen {
			lo = e.Instance + 1
		}
	}
	if lo <= m.Chosen {
		n.gaps = append(n.gaps, reportGap{by, lo, m.Chosen})
	}
}

// covered reports whether the promises that carried instance i, every
// one whose report did not leave it out, are a quorum of its view: then
// the entry of the highest ballot among them is the one to propose, even
// where a peer reported i chosen without carrying it (Paxos's phase 1),
// and the leader need not wait to learn i from a peer that may be gone.
func (n *Node) covered(i int64) bool {
	by := n.promisedBy
	for _, g := range n.gaps {
		if g.lo <= i && i <= g.hi {
			by &^= 1 << uint(g.by)
		}
	}
	return quorum(by, n.proposalView(i))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tryWin makes a candidate the leader once a majority of the next
// instance's view promised.
func (n *Node) tryWin(env *Env) {
	if n.role != candidate || !quorum(n.promisedBy, n.proposalView(n.prefix+1)) {
		return
	}
	n.role = leader
	n.leader, n.leaderBallot = n.id, n.ballot
	n.attempt = 0
	n.next = n.from
	n.fillTo = max(n.fillTo, n.svc.latest().start-1)
	env.CancelTimer(electionTimer)
	for _, c := range n.waiting {
		if !n.executed(c) {
			n.enqueue(c)
		}
	}
	n.heartbeat(env) // announce: followers stop campaigning and forward to us
	n.advance(env)
}

// stepDown makes a candidate or leader a follower; what it proposed is
// either chosen or left to the next leader's recovery.
func (n *Node) stepDown(env *Env) {
	was := n.role
	n.role = follower
	n.leader, n.leaderBallot = 0, Ballot{}
	n.pending, n.recovered, n.notify = n.pending[:0], n.recovered[:0], n.notify[:0]
	n.promisedBy, n.blocked, n.recoverTo, n.recoverChosen, n.next = 0, 0, 0, 0, 0
	n.commitArmed = false
	n.gaps = n.gaps[:0]
	env.CancelTimer(tickTimer)
	env.CancelTimer(commitTimer)
	if was == leader {
		n.armElection(env)
	}
}

// noteLeader follows the leader of ballot b, which just spoke and is not
// below this replica's promise; a candidate or leader of a lower ballot
// steps down. Commands held here go to a new leader.
func (n *Node) noteLeader(env *Env, from sim.NodeID, b Ballot) {
	if n.role != follower {
		if b == n.ballot {
			return
		}
		n.stepDown(env)
	}
	n.heard = true
	n.attempt = 0
	if n.leader != from || n.leaderBallot != b {
		n.leader, n.leaderBallot = from, b
		n.forwardAll(env)
	}
}

// onNack notes a higher promise; a candidate or leader below it steps
// down and, after its randomized election timeout, may try again higher.
func (n *Node) onNack(env *Env, m Msg) {
	if n.maxSeen.Less(m.Ballot) {
		n.maxSeen = m.Ballot
	}
	if n.role != follower && n.ballot.Less(m.Ballot) {
		n.stepDown(env)
	}
}

// ---- phase 2 ----

// advance proposes at the next instances while it can: an instance must
// lie within alpha of the applied log (its view is known), a majority of
// its view must have promised, and there must be something to propose: the
// value recovered there, a no-op for a gap below the highest instance
// recovered, or a client command. Everything proposed in one call goes out
// in one accept message per acceptor.
func (n *Node) advance(env *Env) {
	if n.role != leader {
		return
	}
	n.blocked = 0
	batch := n.scratch[:0]
	for n.next <= n.prefix+n.p.alpha {
		i := n.next
		if e := n.entry(i); e != nil && e.Chosen {
			n.next++
			continue
		}
		if i <= n.recoverChosen && !n.covered(i) {
			// Chosen at a peer that did not say what: learn it, or hear
			// from more members (the tick asks the blocked again).
			n.blocked = n.proposalView(i).Members &^ n.promisedBy
			break
		}
		v := n.proposalView(i)
		if !v.Has(n.id) {
			if len(n.pending) == 0 {
				n.stepDown(env) // a leader removed from the view resigns
			}
			break
		}
		if !quorum(n.promisedBy, v) {
			n.blocked = v.Members &^ n.promisedBy
			break
		}
		cmd, b, ok, skip := n.pick(env, i)
		if skip {
			n.next++
			continue
		}
		if !ok {
			break
		}
		e := Entry{Instance: i, Ballot: b, View: v, Cmd: cmd}
		n.next++
		n.observe(env, checker.Observation{Kind: checker.Proposed, Instance: i, Ballot: b, Value: cmd.ID, State: v.Members})
		pr := proposal{entry: e}
		if n.acceptEntry(env, e) {
			pr.votes = 1 << uint(n.id)
		}
		n.pending = append(n.pending, pr)
		batch = append(batch, e)
	}
	n.scratch = batch
	if len(batch) > 0 {
		n.sendAccept(env, n.arena.Copy(batch), ^uint64(0))
		n.tally(env) // a one-member view needs no replies
	}
}

// pick chooses what to propose at instance i: the recovered value of the
// highest ballot, restamped with the leader's ballot; a no-op for a gap
// below the highest instance reported; else the next client command, or a
// no-op in a reconfiguration's window. skip leaves i empty (variant
// no-gap-fill); ok is false when there is nothing to propose.
func (n *Node) pick(env *Env, i int64) (cmd Command, b Ballot, ok, skip bool) {
	if k, found := slices.BinarySearchFunc(n.recovered, i, func(x Entry, i int64) int { return cmpInt(x.Instance, i) }); found && n.p.bug&bugLeaderSkipsRecovery == 0 {
		r := n.recovered[k]
		env.Reachable(AssertReproposedRecovered)
		if n.p.bug&bugNoRestamp != 0 {
			return r.Cmd, r.Ballot, true, false // variant no-restamp: the old ballot
		}
		return r.Cmd, n.ballot, true, false
	}
	if i <= n.recoverTo {
		if n.p.bug&bugLeaderSkipsRecovery != 0 {
			if c, ok := n.dequeue(); ok {
				return c, n.ballot, true, false // variant leader-skips-recovery: its own command
			}
			return Command{}, n.ballot, true, false
		}
		if n.p.bug&bugNoGapFill != 0 {
			return Command{}, Ballot{}, false, true // variant no-gap-fill: the gap stays
		}
		return Command{}, n.ballot, true, false
	}
	if c, ok := n.dequeue(); ok {
		return c, n.ballot, true, false
	}
	if i <= n.fillTo {
		return Command{}, n.ballot, true, false
	}
	return Command{}, Ballot{}, false, false
}

// dequeue takes the next queued command not executed or in flight.
func (n *Node) dequeue() (Command, bool) {
	for len(n.queue) > 0 {
		c := n.queue[0]
		n.queue = append(n.queue[:0], n.queue[1:]...)
		if !n.executed(c) && !n.inFlight(c.ID) {
			return c, true
		}
	}
	return Command{}, false
}

// sendAccept sends one accept with entries to every acceptor of their
// views in to (but this replica, which accepted locally), with the commit
// notifications held.
func (n *Node) sendAccept(env *Env, entries []Entry, to uint64) {
	var members uint64
	for k := range entries {
		members |= entries[k].View.Members
	}
	members &= to &^ (1 << uint(n.id))
	if members == 0 {
		return
	}
	m := Msg{Type: Accept, Ballot: n.ballot, Chosen: n.prefix, Entries: entries, Commits: n.takeNotify()}
	for id := sim.NodeID(1); int(id) <= n.p.nodes; id++ {
		if members&(1<<uint(id)) != 0 {
			n.send(env, id, m)
		}
	}
}

// takeNotify hands over the commit notifications held, as a run of the
// arena that a message may share.
func (n *Node) takeNotify() []Entry {
	c := n.arena.Copy(n.notify)
	n.notify = n.notify[:0]
	return c
}

// onAccept is the acceptor's phase 2b: unless it promised a higher ballot,
// it accepts each entry of its views, overwriting an accepted entry that
// is not known chosen, and replies with one Accepted for the batch. An
// entry it knows chosen it sends back as chosen instead. Commit
// notifications are learned whatever the ballot: a chosen value is chosen.
func (n *Node) onAccept(env *Env, from sim.NodeID, m Msg) {
	n.learnCommits(env, from, m.Commits, m.Ballot)
	if m.Ballot.Less(n.promised) {
		n.send(env, from, Msg{Type: Nack, Ballot: n.promised})
		return
	}
	n.noteLeader(env, from, m.Ballot)
	if n.promised != m.Ballot {
		n.promise(env, m.Ballot, 0) // accepting a ballot promises it
	}
	if len(m.Entries) > 0 {
		lo := m.Entries[0].Instance
		for k := range m.Entries {
			lo = min(lo, m.Entries[k].Instance)
		}
		var mask uint64
		chosen := n.scratch[:0]
		for _, e := range m.Entries {
			if e.Instance < 1 || e.Instance-lo >= maxAlpha {
				continue
			}
			if cur := n.entry(e.Instance); cur != nil && cur.Chosen {
				chosen = append(chosen, *cur)
				continue
			}
			if n.acceptEntry(env, e) {
				mask |= 1 << uint(e.Instance-lo)
			}
		}
		n.scratch = chosen
		if mask != 0 {
			n.send(env, from, Msg{Type: Accepted, Ballot: m.Ballot, From: lo, Mask: mask})
		}
		if len(chosen) > 0 {
			n.send(env, from, Msg{Type: Learn, Chosen: n.prefix, Entries: n.arena.Copy(chosen)})
		}
	}
	if m.Chosen > n.prefix {
		n.behind(env, from, m.Chosen)
	}
}

// acceptEntry accepts e, stamped with its ballot and view, and reports
// whether this acceptor now holds it. The caller checked the message's
// ballot against the promise. A non-member of e's view takes no part in
// its instance; a chosen entry never changes.
func (n *Node) acceptEntry(env *Env, e Entry) bool {
	if !e.View.Has(n.id) {
		return false
	}
	if cur := n.entry(e.Instance); cur != nil {
		if cur.Chosen {
			return false
		}
		if cur.Ballot == e.Ballot && cur.Cmd == e.Cmd && cur.View == e.View {
			return true // a duplicate or a retransmission
		}
		if n.p.bug&bugNoOverwrite != 0 && !cur.Ballot.IsZero() {
			return false // variant no-overwrite: what is accepted stays
		}
	}
	n.set(Entry{Instance: e.Instance, Ballot: e.Ballot, View: e.View, Cmd: e.Cmd})
	n.observe(env, checker.Observation{Kind: checker.Accepted, Instance: e.Instance, Ballot: e.Ballot, Value: e.Cmd.ID, State: e.View.Members})
	return true
}

// onAccepted counts phase-2b replies for the current ballot.
func (n *Node) onAccepted(env *Env, from sim.NodeID, m Msg) {
	if n.role != leader || m.Ballot != n.ballot {
		return
	}
	bit := uint64(1) << uint(from)
	for mask := m.Mask; mask != 0; mask &= mask - 1 {
		i := m.From + int64(bitsTrailing(mask))
		for k := range n.pending {
			if n.pending[k].entry.Instance == i {
				n.pending[k].votes |= bit
				break
			}
		}
	}
	n.tally(env)
	n.advance(env)
}

// tally decides every proposal that a majority of its entry's view
// accepted: it is chosen, learned here, and announced with the next accept
// or heartbeat.
func (n *Node) tally(env *Env) {
	kept := n.pending[:0]
	n.decided = n.decided[:0]
	for _, p := range n.pending {
		if quorum(p.votes, p.entry.View) {
			n.decided = append(n.decided, p.entry)
			continue
		}
		kept = append(kept, p)
	}
	n.pending = kept
	for _, e := range n.decided {
		e.Chosen = true
		n.learn(env, e, e.Ballot) // counted: a majority of its view accepted it at this ballot
		c := Entry{Instance: e.Instance, View: e.View, Cmd: e.Cmd, Chosen: true}
		if n.p.bug&bugCommitIndexOnly != 0 {
			c = Entry{Instance: e.Instance} // variant commit-index-only: the index alone
		}
		n.notify = append(n.notify, c)
	}
	if len(n.notify) > 0 && !n.commitArmed && n.role == leader {
		n.commitArmed = true
		env.SetTimer(commitTimer, n.p.commit)
	}
}

// onTick is the leader's heartbeat, which also sends again what went
// unanswered: accepts older than the retry age, and prepares to the
// members whose promises a view needs. A candidate sends its prepare again
// to those that have not promised.
func (n *Node) onTick(env *Env) {
	switch n.role {
	case candidate:
		n.sendPrepare(env, n.p.all&^n.promisedBy)
		n.armTick(env)
		n.tryWin(env)
	case leader:
		n.heartbeat(env)
		n.retransmit(env)
		if n.blocked != 0 {
			n.sendPrepare(env, n.blocked&^n.promisedBy)
		}
		n.armTick(env)
		n.advance(env)
	}
}

func (n *Node) sendPrepare(env *Env, to uint64) {
	for id := sim.NodeID(1); int(id) <= n.p.nodes; id++ {
		if id != n.id && to&(1<<uint(id)) != 0 {
			n.send(env, id, Msg{Type: Prepare, Ballot: n.ballot, From: n.from})
		}
	}
}

// heartbeat tells every other node that this leader lives, how far its
// log is chosen, and what was chosen since the last notification.
func (n *Node) heartbeat(env *Env) {
	m := Msg{Type: Heartbeat, Ballot: n.ballot, Chosen: n.prefix, Commits: n.takeNotify()}
	for id := sim.NodeID(1); int(id) <= n.p.nodes; id++ {
		if id != n.id {
			n.send(env, id, m)
		}
	}
}

// retransmit sends the proposals that waited retryAge heartbeats again,
// in one accept, to the acceptors of their views that have not accepted.
func (n *Node) retransmit(env *Env) {
	batch := n.scratch[:0]
	var to uint64
	for k := range n.pending {
		p := &n.pending[k]
		p.age++
		if p.age < n.p.retryAge {
			continue
		}
		p.age = 0
		batch = append(batch, p.entry)
		to |= p.entry.View.Members &^ p.votes
	}
	n.scratch = batch
	if len(batch) > 0 {
		n.sendAccept(env, n.arena.Copy(batch), to)
	}
}

// onHeartbeat follows a live leader and learns what it committed.
func (n *Node) onHeartbeat(env *Env, from sim.NodeID, m Msg) {
	n.learnCommits(env, from, m.Commits, m.Ballot)
	if m.Ballot.Less(n.promised) {
		n.send(env, from, Msg{Type: Nack, Ballot: n.promised})
		return
	}
	n.noteLeader(env, from, m.Ballot)
	if m.Chosen > n.prefix {
		n.behind(env, from, m.Chosen)
	}
}
