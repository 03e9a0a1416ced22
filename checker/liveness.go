package checker

import (
	"fmt"
	"strings"
)

// CheckLiveness judges single-decree liveness at the end of the grace
// period that followed the heal: a value must be chosen, and every node in
// live must have learned it. healAt and deadline are virtual times, for the
// message. It returns nil when the property holds.
func (c *Safety) CheckLiveness(live []int, healAt, deadline int64) *Violation {
	v := &Violation{Property: Liveness, Time: c.now, Event: c.event}
	ch, ok := c.chosen.get(0, 0)
	if !ok {
		v.Check = "not-chosen"
		v.Message = fmt.Sprintf("no value chosen by t=%d, %d ticks after every fault healed at t=%d",
			deadline, deadline-healAt, healAt)
		v.Evidence = c.acceptorEvidence(0)
		return v
	}
	var missing []string
	for _, n := range live {
		if _, ok := c.learned.get(n, 0); !ok {
			missing = append(missing, fmt.Sprint(n))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	v.Check = "not-learned"
	v.Message = fmt.Sprintf("%s chosen, but node(s) %s had not learned it by t=%d, %d ticks after the heal at t=%d",
		ch.Value, strings.Join(missing, ","), deadline, deadline-healAt, healAt)
	v.Evidence = []string{c.choiceEvidence(ch)}
	return v
}

// AllLearned reports whether every node in live has learned instance 0.
func (c *Safety) AllLearned(live []int) bool {
	for _, n := range live {
		if _, ok := c.learned.get(n, 0); !ok {
			return false
		}
	}
	return true
}
