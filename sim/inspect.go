package sim

import (
	"fmt"
	"math/bits"
)

// Volatile words node id's volatile state for a viewer: its node's
// String, when the node is a fmt.Stringer, and "" when it is not or the
// node is down (a crash left it nothing volatile). It only reads.
func (w *World[M, D, O]) Volatile(id NodeID) string {
	s := &w.slots[id]
	if !s.up || s.node == nil {
		return ""
	}
	if st, ok := any(s.node).(fmt.Stringer); ok {
		return st.String()
	}
	return ""
}

// Armed lists node id's armed timers in a Choice world, by tag (nil in a
// Timed one, whose timers are events in its queue).
func (w *World[M, D, O]) Armed(id NodeID) []TimerTag {
	if w.cfg.Mode != Choice {
		return nil
	}
	var tags []TimerTag
	for m := w.slots[id].armed; m != 0; m &= m - 1 {
		tags = append(tags, TimerTag(bits.TrailingZeros32(m)))
	}
	return tags
}
