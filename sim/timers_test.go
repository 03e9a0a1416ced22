package sim

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestTimerQueueModel checks the timer queue against a naive model, a
// map from (node, tag) to the pending timer: random sets (new and
// in-place), cancels of one timer or of a node's, and pops. Every pop must
// be the model's earliest timer by (at, seq), and the queue's size and
// contents must match the model's after every operation.
func TestTimerQueueModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const nodes = 3
		var q timerQueue
		q.init(nodes)
		model := map[int]timer{}
		var seq uint64
		for step := range rapid.IntRange(0, 200).Draw(t, "steps") {
			node := int32(rapid.IntRange(1, nodes).Draw(t, "node"))
			tag := TimerTag(rapid.IntRange(0, MaxTimerTags-1).Draw(t, "tag"))
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0, 1, 2, 3, 4: // set, often moving a pending timer earlier or later
				seq++
				tm := timer{at: Time(rapid.IntRange(0, 20).Draw(t, "at")), seq: seq, node: node, tag: tag, stretch: 1}
				q.set(tm)
				model[slotOf(node, tag)] = tm
			case 5, 6:
				q.cancel(node, tag)
				delete(model, slotOf(node, tag))
			case 7:
				q.cancelNode(node)
				for tag := range TimerTag(MaxTimerTags) {
					delete(model, slotOf(node, tag))
				}
			default:
				if len(model) == 0 {
					continue
				}
				want := earliest(model)
				got := q.pop()
				delete(model, slotOf(want.node, want.tag))
				if got != want {
					t.Fatalf("step %d: pop = %+v, want %+v", step, got, want)
				}
			}
			checkTimerQueue(t, &q, model)
		}
	})
}

func earliest(model map[int]timer) timer {
	var best timer
	first := true
	for _, tm := range model {
		if first || tm.before(&best) {
			best, first = tm, false
		}
	}
	return best
}

// checkTimerQueue checks q against model: the same timers, each findable
// by get, and the heap property at every index.
func checkTimerQueue(t *rapid.T, q *timerQueue, model map[int]timer) {
	if q.len() != len(model) {
		t.Fatalf("len = %d, model holds %d", q.len(), len(model))
	}
	for k, want := range model {
		got, ok := q.get(want.node, want.tag)
		if !ok || got != want {
			t.Fatalf("get(%d) = %+v, %v; want %+v", k, got, ok, want)
		}
	}
	for i := 1; i < q.len(); i++ {
		if q.items[i].before(&q.items[(i-1)/2]) {
			t.Fatalf("heap order broken at %d: %+v before its parent %+v", i, q.items[i], q.items[(i-1)/2])
		}
	}
	pending := slices.IndexFunc(q.pos, func(p int32) bool { return p != 0 && int(p) > q.len() })
	if pending >= 0 {
		t.Fatalf("pos[%d] = %d points past the %d timers", pending, q.pos[pending], q.len())
	}
}

// TestChoiceWorldHealsThenTurnsTimed: a Choice world keeps its timers as
// armed bits and has no timer queue until it turns Timed; healing it
// (which re-times a slow node's timers in a Timed world) and crashing a
// node must not reach for the queue, and once Timed its armed timers fire
// from the queue.
func TestChoiceWorldHealsThenTurnsTimed(t *testing.T) {
	cfg := Config{Nodes: 3, Mode: Choice, Choice: ChoiceConfig{MaxCrashes: 1}, Faults: FaultConfig{MaxCrashed: 1}}
	log := &toyLog{}
	w := newToyWorld(t, cfg, NewRandom(1), &toyOpts{Inject: 5, Observe: true}, log)
	if err := w.DoLine("crash 3"); err != nil {
		t.Fatal(err)
	}
	w.Heal()
	if !w.Up(3) {
		t.Fatal("the heal did not restart node 3")
	}
	w.SwitchToTimed()
	if w.timers.len() != 3 {
		t.Fatalf("%d timers queued after the switch, want each node's one", w.timers.len())
	}
	runUntil(w, w.Now()+5)
	if fired := log.filter(func(e toyEntry) bool { return e.Kind == obsFire }); len(fired) != 3 {
		t.Errorf("%d timers fired after the switch, want 3", len(fired))
	}
}
