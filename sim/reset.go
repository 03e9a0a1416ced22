package sim

import "slices"

// Reset makes w the world that New(cfg, decider, newNode, observe) would
// return, reusing the memory w took for its queues, tables and buffers: a
// harness that runs seed after seed resets one world instead of building
// one a seed. Nothing of w's past run is left: the run that follows is the
// one a fresh world would run, step for step, and its tracers and schedule
// log are unset. A bad cfg returns an error and leaves w as it was. Reset
// must not be called from inside a handler of w's nodes.
func (w *World[M, D, O]) Reset(cfg Config, decider Decider, newNode NewNode[M, D, O], observe Observer[O]) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	cfg.Faults.Schedule = slices.Clone(cfg.Faults.Schedule) // scheduleFault fills in ends; the caller's stays as it was
	old := *w
	*w = World[M, D, O]{
		cfg:     cfg,
		net:     cfg.Network,
		decide:  decider,
		random:  asRandom(decider),
		newNode: newNode,
		observe: observe,
		all:     uint64(1)<<uint(cfg.Nodes+1) - 2,
		hash:    hashSeed,
	}
	w.env.w = w
	w.slots = zeroed(old.slots, cfg.Nodes+1)
	w.cut = zeroed(old.cut, cfg.Nodes+1)
	w.queue.items = emptied(old.queue.items)
	if want := max(32, 8*cfg.Nodes); cap(w.queue.items) < want {
		w.queue.items = make([]event[M], 0, want)
	}
	w.timers = timerQueue{items: old.timers.items[:0], pos: old.timers.pos[:0]}
	w.links = links{load: old.links.load[:0]}
	w.partitions, w.spells = emptied(old.partitions), emptied(old.spells)
	w.history, w.reservoir, w.trials, w.none = emptied(old.history), emptied(old.reservoir), emptied(old.trials), old.none[:0]
	w.inflight, w.sentLog, w.local = emptied(old.inflight), emptied(old.sentLog), emptied(old.local)
	w.actions, w.oldNodes = emptied(old.actions), emptied(old.oldNodes)
	w.pendRand, w.pendNet = emptied(old.pendRand), emptied(old.pendNet)
	w.held.list = emptied(old.held.list)
	w.asserts = old.asserts // its hook and memory
	w.asserts.reset()
	w.netIdx = netIndex{seqs: old.netIdx.seqs[:0]}
	if w.texts = old.texts; w.texts != nil {
		clear(w.texts) // a new world's cache is empty
	}
	if cfg.Mode == Timed {
		if cfg.Network.FIFO {
			w.fifo = fifoLinks[M]{links: old.fifo.links, copies: old.fifo.copies} // timed empties them
		}
		w.timed()
	}
	return nil
}

// emptied returns s's memory as an empty slice, every element it held
// zeroed, so that it keeps nothing of the past alive.
func emptied[T any](s []T) []T {
	s = s[:cap(s)]
	clear(s)
	return s[:0]
}

// zeroed returns n zero values, in s's memory when it is large enough.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return emptied(s)[:n]
}
