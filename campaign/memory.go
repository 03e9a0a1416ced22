package campaign

import (
	"errors"

	"github.com/paxsim/paxsim/explore"
)

// errMaxMemory is the cause of a campaign stopped by its memory cap.
var errMaxMemory = errors.New("the campaign's heap passed its memory cap")

// memoryCheckEvery is how many seeds a worker runs between two reads of
// the heap: a read costs about a microsecond, a seed some hundred.
const memoryCheckEvery = 256

// MemoryCap is the heap a campaign of o may grow to before it stops,
// incomplete: Options.MaxMemory, or explore.DefaultMaxMemory, and never
// more than explore.UsableMemory. What grows is the failures it keeps (a
// few KB each): a broken protocol over millions of seeds would otherwise
// take the machine's memory and be killed, its findings lost.
func (o *Options) MemoryCap() int64 {
	limit := o.MaxMemory
	if limit <= 0 {
		limit = explore.DefaultMaxMemory()
	}
	return min(limit, explore.UsableMemory())
}

// overMemory reports, every memoryCheckEvery seeds (the k-th of the
// campaign just run), whether the heap passed limit.
func overMemory(k uint64, limit int64) bool {
	return k%memoryCheckEvery == memoryCheckEvery-1 && explore.HeapBytes() > limit
}
