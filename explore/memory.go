package explore

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultMaxMemory is the memory cap of a search whose Options set none:
// half the machine's memory (from /proc/meminfo), or 4 GiB where that
// cannot be read. A search always has a cap: better an incomplete answer
// than the machine's OOM killer.
func DefaultMaxMemory() int64 {
	defaultMemoryOnce.Do(func() { defaultMemory = machineMemory() / 2 })
	return defaultMemory
}

var (
	defaultMemoryOnce sync.Once
	defaultMemory     int64
)

// machineMemory is the machine's memory in bytes, or 8 GiB unknown.
func machineMemory() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil && kb > 0 {
				return kb << 10
			}
		}
	}
	return 8 << 30
}

// memoryCap is a search's memory bound, and its caller's context: the
// workers and the admitting goroutine poll it, and the first to see the
// heap past the cap, or the context done, stops them all.
type memoryCap struct {
	limit int64
	over  atomic.Bool
	ctx   context.Context // nil: never interrupted
	// interrupted: ctx was seen done.
	interrupted atomic.Bool
	// peak is the largest heap read, for the report.
	peak atomic.Int64
	// restore is the soft memory limit of the runtime before the search.
	restore int64
}

func newMemoryCap(limit int64, ctx context.Context) *memoryCap {
	if limit <= 0 {
		limit = DefaultMaxMemory()
	}
	c := &memoryCap{limit: limit, ctx: ctx}
	// Let the collector work harder near the cap rather than count
	// garbage against it; the old limit comes back after the search.
	c.restore = debug.SetMemoryLimit(-1)
	if limit < c.restore {
		debug.SetMemoryLimit(limit)
	}
	return c
}

// release gives the runtime its soft memory limit back.
func (c *memoryCap) release() { debug.SetMemoryLimit(c.restore) }

// halted reports whether the search must stop: the context done or the
// heap past the cap, now or at an earlier read.
func (c *memoryCap) halted() bool {
	if c.interrupted.Load() {
		return true
	}
	if c.ctx != nil && c.ctx.Err() != nil {
		c.interrupted.Store(true)
		return true
	}
	return c.exceeded()
}

// why is the Stop of a halted search.
func (c *memoryCap) why() string {
	if c.interrupted.Load() {
		return StopInterrupted
	}
	return StopMaxMemory
}

// exceeded reads the heap and reports whether it passed the cap, now or
// at an earlier read.
func (c *memoryCap) exceeded() bool {
	if c.over.Load() {
		return true
	}
	h := heapBytes()
	if h > c.peak.Load() {
		c.peak.Store(h)
	}
	if h > c.limit {
		c.over.Store(true)
		return true
	}
	return false
}

// heapBytes is the heap's objects, live and not yet collected.
func heapBytes() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}

// liveHeap is the heap's live objects after a collection.
func liveHeap() int64 {
	runtime.GC()
	return heapBytes()
}
