package checker

// record is what Safety and LogChecker share: the clock their violations
// are stamped with, the properties they report, and the first violation
// of each property.
type record struct {
	violated *Violation  // the first violation of all, or nil
	all      []Violation // the first violation of each property
	only     Properties  // the properties reported; nil for all
	now      int64
	event    int64
}

// At sets the virtual time and the event number that the next
// observations' violations are stamped with.
func (r *record) At(now, event int64) { r.now, r.event = now, event }

// Violation returns the first violation found, or nil.
func (r *record) Violation() *Violation { return r.violated }

// Violations returns the first violation of each property, in the order
// they happened. A run stops at the first; a scenario that goes on past it
// (to show an early check and the broken agreement it announced) sees all.
func (r *record) Violations() []Violation { return r.all }

// Only makes the checker report violations of the properties in ps alone
// (nil for every property): a protocol that does not promise a property
// (exactly-once, without a dedup table) is not failed for breaking it.
func (r *record) Only(ps Properties) { r.only = ps }

// violate records a violation of p, unless p is not reported or was
// violated before (the first violation of each property is the one to
// see).
func (r *record) violate(p Property, check string, instance int64, msg string, evidence ...string) {
	if !r.only.has(p) {
		return
	}
	for _, v := range r.all {
		if v.Property == p {
			return
		}
	}
	r.all = append(r.all, Violation{Property: p, Check: check, Time: r.now, Event: r.event, Instance: instance, Message: msg, Evidence: evidence})
	r.violated = &r.all[0]
}

// cloneInto makes dst a copy of r that shares no memory with it, reusing
// dst's array of violations.
func (r *record) cloneInto(dst *record) {
	all := append(dst.all[:0], r.all...)
	*dst = *r
	dst.all, dst.violated = all, nil
	if len(all) > 0 {
		dst.violated = &dst.all[0]
	}
}
