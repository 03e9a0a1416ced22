package sim

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/paxsim/paxsim/fingerprint"
)

// An identityAudit checks, on a sample, that a fingerprint an explorer
// knows a part of a state by stands for one thing only. A protocol's
// Fingerprint or Digest that leaves something out (a field added to a
// message or a node after its Fingerprint was written, say) makes an
// explorer merge states that differ, so that it never takes the steps of
// the one it dropped: a bug there is missed, and the search says safe.
// The audit makes that visible:
//
//   - two messages of one link that one fingerprint (or, in a set
//     network, one Digest) stands for must render alike (String): the
//     rendering tells apart what the receiver can see (Message);
//   - two durable states that one fingerprint stands for must rebuild
//     nodes that fingerprint alike (NewNode);
//   - two states of a node that one fingerprint stands for, and that
//     differ in content (firstDifference), must take the same steps: the
//     state an explorer keeps is the first met, the others are kept aside
//     as its aliases (at most nodeAliasCap), and each step the explorer
//     takes from it for the first time (LocalSteps.run, AuditStep) is
//     taken from each alias too, and must leave the same node state,
//     durable state, sends and observations.
//
// A broken rule is the world's IdentityFault (messages, durable states)
// or the step's fault (node states), which an explorer turns into a
// violation of the observation contract with a path to the step. The
// audit looks at one fingerprint in identityEvery, and keeps a bounded
// number of samples (identityCap), each compared a few times (auditHits),
// so that it costs a search little and a bounded memory. Which state an
// explorer meets first under a fingerprint depends on its workers'
// timing, so a broken rule may show at another step from one search to
// the next, or, sampled, not at all; a kept rule never shows (package
// model's tests check both).
type identityAudit[M Message, D, O any] struct {
	mu       sync.RWMutex
	msgs     map[fingerprint.Key]*sampled[string] // a message's rendering, by its fingerprint with its link
	durables map[fingerprint.Key]*sampled[D]
	nodes    map[fingerprint.Key]*nodeAliases[M, D, O] // by fingerprint with the id
	spent    atomic.Int32                              // comparisons of steps made
}

// sampled is the first value met under a fingerprint the audit samples,
// and how many others were compared with it.
type sampled[T any] struct {
	first T
	hits  atomic.Int32
}

// The audit's sampling and bounds.
const (
	identityEvery = 8    // one fingerprint in identityEvery is audited
	identityCap   = 4096 // samples kept of each kind (messages: 8 times as many)
	auditHits     = 4    // the values compared with each sample (a node state's aliases: twice as many)
	nodeAliasCap  = 3    // node states that differ in content kept under one fingerprint
	behaviourCap  = 4096 // comparisons of steps a search makes
)

// lookup returns the sample of m under k, storing first() there when
// there is none and m holds fewer than limit; due reports whether the
// sample is still to be compared with (auditHits).
func lookup[T any](mu *sync.RWMutex, m map[fingerprint.Key]*sampled[T], k fingerprint.Key, limit int, first func() T) (s *sampled[T], due bool) {
	mu.RLock()
	s = m[k]
	mu.RUnlock()
	if s != nil {
		return s, s.hits.Add(1) <= auditHits
	}
	mu.Lock()
	defer mu.Unlock()
	if m[k] == nil && len(m) < limit {
		m[k] = &sampled[T]{first: first()}
	}
	return nil, false
}

// audited reports whether the fingerprint whose first word is k is one
// the audit looks at.
func audited(k uint64) bool { return k%identityEvery == 0 }

// IdentityFault audits node id's part of the world, as its fingerprints
// are computed (now, if they were not yet), and returns the first rule of
// the identity audit (identityAudit) that the world broke since the last
// call, as "identity: what", or "", and clears it. An explorer calls it
// after each step, with the node the step ran on.
func (w *World[M, D, O]) IdentityFault(id NodeID) string {
	if int(id) > 0 && int(id) < len(w.slots) {
		w.slotKeys(&w.slots[id])
	}
	f := w.identityFault
	w.identityFault = ""
	return f
}

// breakIdentity records the first broken rule of the audit.
func (w *World[M, D, O]) breakIdentity(format string, args ...any) {
	if w.identityFault == "" {
		w.identityFault = "identity: " + fmt.Sprintf(format, args...)
	}
}

// auditDigest checks, for a set network that keeps one of the messages
// a link carries under one Digest, that f, just sent, and kept, already
// in flight, are the same message.
func (w *World[M, D, O]) auditDigest(kept, f *flight[M]) {
	if w.identity == nil || !audited(f.digest) {
		return
	}
	if a, b := kept.msg.String(), f.msg.String(); a != b {
		w.breakIdentity("two messages %s->%s with one Digest (%#x) render differently, %s and %s: "+
			"the set network keeps the first alone, so the search never delivers the second; "+
			"Digest leaves out what String shows", f.from, f.to, f.digest, a, b)
	}
}

// auditMessage checks that the message f, just fingerprinted, renders
// as the one first met under its fingerprint.
func (w *World[M, D, O]) auditMessage(f *flight[M]) {
	if w.identity == nil || !audited(f.elem[0]) {
		return
	}
	a := w.identity
	first, due := lookup(&a.mu, a.msgs, f.elem, 8*identityCap, f.msg.String)
	if !due {
		return
	}
	if text := f.msg.String(); first.first != text {
		w.breakIdentity("two messages %s->%s with one fingerprint render differently, %s and %s: "+
			"a search takes them for one; the message's Fingerprint (or Digest) leaves out what String shows", f.from, f.to, first.first, text)
	}
}

// auditSlot checks node id's state and durable state, whose fingerprints
// slotKeys just computed, against those first met under them.
func (w *World[M, D, O]) auditSlot(id NodeID, s *slot[M, D, O]) {
	if w.identity == nil {
		return
	}
	if audited(s.durKey[0]) {
		w.auditDurable(id, s.durable, s.durKey)
	}
	if s.up && s.node != nil {
		if k := fingerprint.Element(uint64(id), s.nodeKey[0], s.nodeKey[1]); audited(k[0]) {
			w.auditNode(s.node, k)
		}
	}
}

// auditDurable checks that durable state d rebuilds node id as the
// durable state first met under fingerprint k does.
func (w *World[M, D, O]) auditDurable(id NodeID, d D, k fingerprint.Key) {
	a := w.identity
	first, due := lookup(&a.mu, a.durables, k, identityCap, func() D { return d })
	if !due {
		return
	}
	where, differs := firstDifference(first.first, d)
	if !differs || w.newNode == nil {
		return
	}
	na, nb := w.newNode(id, first.first), w.newNode(id, d)
	if nodeKey(na) != nodeKey(nb) {
		w.breakIdentity("two durable states (%T) with one fingerprint rebuild node %d differently; they differ at %s: "+
			"the durable state's Fingerprint leaves out what the node reads of it", d, id, orWhole(where))
	}
}

// auditNode keeps node n, whose fingerprint with its id is k, as an
// alias of the node state first met under k when the two differ in
// content: the steps each then takes are compared (auditAliases).
func (w *World[M, D, O]) auditNode(n Node[M, D, O], k fingerprint.Key) {
	a := w.identity
	met, aliases := a.aliasesOf(k)
	if met == nil {
		a.mu.Lock()
		if a.nodes[k] == nil && len(a.nodes) < identityCap {
			a.nodes[k] = &nodeAliases[M, D, O]{first: n.(Cloner[M, D, O]).CloneInto(nil)}
		}
		a.mu.Unlock()
		return
	}
	if len(aliases) >= nodeAliasCap || met.hits.Add(1) > 2*auditHits || !differsFromAll(n, met.first, aliases) {
		return
	}
	alias := n.(Cloner[M, D, O]).CloneInto(nil)
	a.mu.Lock()
	if len(met.aliases) < nodeAliasCap {
		met.aliases = append(met.aliases, alias)
	}
	a.mu.Unlock()
}

// nodeAliases are the states of a node that one fingerprint stands for:
// the first met, and some that differ from it in content.
type nodeAliases[M Message, D, O any] struct {
	first   Node[M, D, O]
	aliases []Node[M, D, O] // written under the audit's lock, never shrunk
	hits    atomic.Int32    // the states compared with them
}

// aliasesOf returns the node states kept under fingerprint k (nil when
// none is) and the aliases among them, as they are now.
func (a *identityAudit[M, D, O]) aliasesOf(k fingerprint.Key) (*nodeAliases[M, D, O], []Node[M, D, O]) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	met := a.nodes[k]
	if met == nil {
		return nil, nil
	}
	return met, met.aliases
}

// differsFromAll reports whether n differs in content from first and
// from every one of aliases.
func differsFromAll[M Message, D, O any](n, first Node[M, D, O], aliases []Node[M, D, O]) bool {
	if _, d := firstDifference(first, n); !d {
		return false
	}
	for _, kn := range aliases {
		if _, d := firstDifference(kn, n); !d {
			return false
		}
	}
	return true
}

// auditAliases compares step a, which probe took from w (takeAlone),
// observing obs, with the same step taken by each alias of the node it
// ran on (auditNode): the node states one fingerprint stands for must
// take the same steps. It returns the broken rule, as IdentityFault
// words it, or "".
func (w *World[M, D, O]) auditAliases(a *Action[M], probe *World[M, D, O], obs []Observed[O]) string {
	if w.identity == nil || int(a.To) <= 0 || int(a.To) >= len(w.slots) || !w.slots[a.To].up {
		return ""
	}
	sl := &w.slots[a.To]
	w.slotKeys(sl)
	k := fingerprint.Element(uint64(a.To), sl.nodeKey[0], sl.nodeKey[1])
	if !audited(k[0]) {
		return ""
	}
	id := w.identity
	_, aliases := id.aliasesOf(k)
	if len(aliases) == 0 || id.spent.Add(int32(len(aliases))) > behaviourCap {
		return ""
	}
	for _, alias := range aliases {
		if why := w.sameStepAs(a, probe, obs, alias); why != "" {
			where, _ := firstDifference(sl.node, alias)
			return fmt.Sprintf("identity: two states of node %d (%T) with one Fingerprint take different steps: at %s, %s differs; "+
				"they differ at %s: Fingerprint leaves out state that decides the node's steps", a.To, alias, a, why, orWhole(where))
		}
	}
	return ""
}

// sameStepAs takes step a from w with node a.To replaced by alias, and
// says how it differs from the same step as probe took it, observing
// obs, or "".
func (w *World[M, D, O]) sameStepAs(a *Action[M], probe *World[M, D, O], obs []Observed[O], alias Node[M, D, O]) string {
	other, otherObs, ok := w.probeStep(a, alias)
	if !ok {
		return "whether the step completes (a panic, or another node's liveness)"
	}
	if why := sameStep(probe, other, a.To); why != "" {
		return why
	}
	if !reflect.DeepEqual(obs, otherObs) {
		return "what it observes"
	}
	return ""
}

// probeStep takes action a alone in a copy of w made into fresh memory,
// with node a.To replaced by a copy of n, and returns the copy, its
// observations, and whether the step was taken (takeAlone).
func (w *World[M, D, O]) probeStep(a *Action[M], n Node[M, D, O]) (*World[M, D, O], []Observed[O], bool) {
	var obs []Observed[O]
	p := w.CloneInto(nil, func(node NodeID, o O) { obs = append(obs, Observed[O]{node, o}) })
	p.identity = nil // the probes audit nothing
	p.slots[a.To].node = n.(Cloner[M, D, O]).CloneInto(nil)
	p.slots[a.To].fpOK = false
	msgAt := -1
	if a.Kind == ActDeliver {
		msgAt = int(a.at) - 1
	}
	ok := takeAlone(w, p, a, msgAt)
	return p, obs, ok
}

// orWhole names the value itself when the difference is at its top.
func orWhole(where string) string {
	if where == "" {
		return "the value itself"
	}
	return where
}
