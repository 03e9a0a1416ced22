package sim

import "testing"

// TestMessageOutlivesItsReceiversCrash: with NetworkConfig.OutliveRate,
// a message that reaches a crashed node waits on its link and is
// delivered as the node restarts, after its Start; without it, or on a
// FIFO link, it is lost at the crashed node.
func TestMessageOutlivesItsReceiversCrash(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate float64
		fifo bool
		want bool // node 2 gets node 1's first message, after its restart
	}{
		{"lost", 0, false, false},
		{"outlives", 1, false, true},
		{"fifo", 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Nodes: 2, Network: NetworkConfig{Delay: Delay{Min: 10, Max: 10}, OutliveRate: tc.rate, FIFO: tc.fifo}}
			cfg.Faults.Schedule = []ScheduledFault{{Kind: FaultCrash, Nodes: nodeSet(2), Start: 5, End: 50}}
			log := &toyLog{}
			w := newToyWorld(t, cfg, NewRandom(1), &toyOpts{Kickoff: true, Observe: true}, log)
			runUntil(w, 200)
			var got []toyEntry
			restarted := Time(-1)
			for _, e := range log.entries {
				switch {
				case e.Node == 2 && e.Kind == obsStart && e.At > 0:
					restarted = e.At
				case e.Node == 2 && e.Kind == obsDeliver && e.From == 1 && e.Msg.Sent == 0:
					got = append(got, e)
				}
			}
			if restarted != 50 {
				t.Fatalf("node 2 restarted at %d, want 50", restarted)
			}
			if !tc.want {
				if len(got) != 0 {
					t.Fatalf("node 2 got the message sent before its crash at %d; want it lost", got[0].At)
				}
				if n := w.Stats().Faults[FaultLost]; n == 0 {
					t.Errorf("no message lost at the crashed node")
				}
				return
			}
			if len(got) != 1 || got[0].At != 50 {
				t.Fatalf("node 2 got the message sent before its crash %d times (%v), want once, at its restart (50)", len(got), got)
			}
			if got[0].Durable.Boots != 2 {
				t.Errorf("delivered to incarnation %d, want the restarted one (2)", got[0].Durable.Boots)
			}
			if n := w.Stats().Faults[FaultOutlive]; n != 1 {
				t.Errorf("Faults[outlive] = %d, want 1", n)
			}
		})
	}
}
