package sim

import "testing"

// TestFindIsTheFirstListedAction: along random walks of a Choice world
// with drops, duplicates and crashes, Find returns, for every action
// Actions lists, the first listed action of its kind, link and message (or
// timer), and nothing for an action Actions
// does not list.
func TestFindIsTheFirstListedAction(t *testing.T) {
	seen := map[ActionKind]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		w := newSnapWorld(t, ChoiceConfig{Drops: true, MaxDups: 3, MaxCrashes: 2}, nil)
		d := NewRandom(seed)
		for step := 0; step < 40; step++ {
			acts := append([]Action[snapMsg](nil), w.Actions()...)
			if len(acts) == 0 {
				break
			}
			for _, a := range acts {
				seen[a.Kind] = true
				same := func(m snapMsg) bool { return m.String() == a.Msg.String() }
				got, ok := w.Find(a.Kind, a.From, a.To, a.Tag, same)
				if first := firstLike(acts, a); !ok || got.String() != first.String() {
					t.Fatalf("seed %d step %d: Find(%s) = %s, %v; want %s", seed, step, a, got, ok, first)
				}
			}
			for id := NodeID(1); id <= 3; id++ {
				for _, k := range []ActionKind{ActDeliver, ActTimer, ActDrop, ActDup, ActCrash, ActRestart} {
					for _, tag := range []TimerTag{0, 7} {
						probe := Action[snapMsg]{Kind: k, From: id%3 + 1, To: id, Tag: tag}
						if _, ok := w.Find(k, probe.From, probe.To, tag, nil); ok != listed(acts, probe) {
							t.Fatalf("seed %d step %d: Find(%s %s->%s tag %d) = %v, Actions disagrees", seed, step, k, probe.From, probe.To, tag, ok)
						}
					}
				}
			}
			w.Do(acts[d.Intn(Decision{Kind: DecideAction}, len(acts))])
		}
	}
	if len(seen) != 6 {
		t.Errorf("the walks met only the actions %v", seen)
	}
}

// firstLike is the first action of acts with a's kind, link and message
// or tag.
func firstLike(acts []Action[snapMsg], a Action[snapMsg]) Action[snapMsg] {
	var like []Action[snapMsg]
	for _, b := range acts {
		if b.Kind == a.Kind && b.From == a.From && b.To == a.To && b.Tag == a.Tag && b.Msg.String() == a.Msg.String() {
			like = append(like, b)
		}
	}
	return like[0]
}

// listed reports whether acts has an action of p's kind for p's node (on
// p's link, for a message; with p's tag, for a timer).
func listed(acts []Action[snapMsg], p Action[snapMsg]) bool {
	for _, b := range acts {
		switch {
		case b.Kind != p.Kind || b.To != p.To:
		case b.Kind == ActTimer && b.Tag != p.Tag:
		case (b.Kind == ActDeliver || b.Kind == ActDrop || b.Kind == ActDup) && b.From != p.From:
		default:
			return true
		}
	}
	return false
}
