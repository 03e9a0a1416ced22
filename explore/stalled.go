package explore

// stuck is a state of a level that the model judged stalled
// (Staller): every step of it leads back to it, and it awaits in vain.
type stuck struct {
	why string // Staller.Stalled's description; "" for none
	id  int32
	gen int64 // its chunk's successors generated up to its expansion's end
}

// stalled asks the model whether it, just expanded, all of whose steps
// lead back to it, is stalled.
func (s *search[S, K]) stalled(it item[S, K], generated int64) stuck {
	why := s.staller.Stalled(it.s)
	if why == "" {
		return stuck{}
	}
	return stuck{why: why, id: it.id, gen: generated}
}

// failStalled makes the first stalled state of a level's chunks, in
// frontier order, the search's violation, and reports whether there was
// one. Its level is shallower than the successors the chunks found, so
// it comes before any of them would be checked; the counts are a
// one-worker search's that stops once it has expanded the state.
func (s *search[S, K]) failStalled(chunks []chunk[S, K]) bool {
	for i, c := range chunks {
		if c.stuck.why == "" {
			continue
		}
		for _, before := range chunks[:i] {
			s.res.Generated += before.generated
		}
		s.res.Generated += c.stuck.gen
		s.fail(c.stuck.id, c.stuck.why)
		return true
	}
	return false
}
