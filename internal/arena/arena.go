// Package arena hands out write-once memory: runs of values, and strings,
// that are never written again once handed out, so that whoever holds them
// (a message in flight, a persisted state, a client's history) may share
// them without a copy. An arena writes only past what it handed out, into
// a chunk it allocates when the current one is full, so that many small
// runs cost one allocation.
//
// A copy of an arena writes into the same chunk as the original: whoever
// copies a structure that holds one (a model checker's clone) gives the
// copy a zero arena. The zero value of each type is ready to use.
package arena

import "strings"

// Slice hands out write-once runs of T.
type Slice[T any] struct {
	buf []T
	// Chunk is the largest chunk, in values; 0 means sliceChunk. A holder
	// of many runs that die together (an explorer's states of a level)
	// takes bigger ones: fewer allocations.
	Chunk int
}

// A Slice's chunks start small, so that a short run (a campaign's seeds
// are) allocates little, and double up to sliceChunk values: enough for
// many messages, few enough that a run held for long (a message
// re-delivered late) keeps little else alive.
const (
	sliceChunkMin = 8
	sliceChunk    = 256
)

// grow starts a new chunk with room for n more values.
func (a *Slice[T]) grow(n int) {
	chunk := a.Chunk
	if chunk <= 0 {
		chunk = sliceChunk
	}
	a.buf = make([]T, 0, max(min(2*cap(a.buf), chunk), sliceChunkMin, n))
}

// Copy returns a write-once copy of xs, clipped to its length; nil when xs
// is empty.
func (a *Slice[T]) Copy(xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	if cap(a.buf)-len(a.buf) < len(xs) {
		a.grow(len(xs))
	}
	start := len(a.buf)
	a.buf = append(a.buf, xs...)
	return a.buf[start:len(a.buf):len(a.buf)]
}

// One returns a write-once run holding x alone.
func (a *Slice[T]) One(x T) []T {
	if cap(a.buf) == len(a.buf) {
		a.grow(1)
	}
	a.buf = append(a.buf, x)
	k := len(a.buf)
	return a.buf[k-1 : k : k]
}

// Text hands out strings built from bytes. A string shares the chunk it
// was written to, which is never written again below its end.
type Text struct {
	b strings.Builder
}

// A Text's chunks start at textChunkMin bytes and double up to textChunk
// (more for a longer string).
const (
	textChunkMin = 256
	textChunk    = 4096
)

// String returns bs as a string, written once into the arena.
func (t *Text) String(bs []byte) string {
	if len(bs) == 0 {
		return ""
	}
	if t.b.Cap()-t.b.Len() < len(bs) {
		// A fresh builder: growing this one would copy what it handed out.
		size := max(min(2*t.b.Cap(), textChunk), textChunkMin, 2*len(bs))
		t.b = strings.Builder{}
		t.b.Grow(size)
	}
	start := t.b.Len()
	t.b.Write(bs)
	return t.b.String()[start:]
}
