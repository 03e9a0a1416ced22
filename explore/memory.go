package explore

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultMaxMemory is the memory cap of a search whose Options set none:
// half the machine's memory (MachineMemory). A search always has a cap:
// better an incomplete answer than the machine's OOM killer.
func DefaultMaxMemory() int64 { return MachineMemory() / 2 }

// UsableMemory is the most any search's cap may be, whatever its Options
// ask: three quarters of the machine's memory, since the process needs
// more than its heap's objects (stacks, the collector's own, garbage
// between collections) and a cap past what there is would let the OOM
// killer end the search rather than the cap.
func UsableMemory() int64 { return MachineMemory() / 4 * 3 }

// MachineMemory is the memory the process may use, in bytes: the
// machine's (/proc/meminfo), or its cgroup's limit when lower (a
// container's, a Kubernetes pod's), or 8 GiB when neither can be read.
func MachineMemory() int64 {
	machineMemoryOnce.Do(func() { machineMemory = memoryLimit(os.ReadFile) })
	return machineMemory
}

var (
	machineMemoryOnce sync.Once
	machineMemory     int64
)

// The files memoryLimit reads: the machine's memory, and the cgroup
// limits (v2, then v1) of the process's container.
const (
	meminfoFile  = "/proc/meminfo"
	cgroupV2File = "/sys/fs/cgroup/memory.max"
	cgroupV1File = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
)

// memoryLimit is MachineMemory from the files read reads.
func memoryLimit(read func(string) ([]byte, error)) int64 {
	limit := int64(8 << 30)
	if data, err := read(meminfoFile); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil && kb > 0 {
				limit = kb << 10
			}
		}
	}
	for _, file := range []string{cgroupV2File, cgroupV1File} {
		data, err := read(file)
		if err != nil {
			continue
		}
		// "max" (v2) or a huge number (v1) is no limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil && n > 0 && n < limit {
			limit = n
		}
	}
	return limit
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
	limit = min(limit, UsableMemory())
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
	h := HeapBytes()
	if h > c.peak.Load() {
		c.peak.Store(h)
	}
	if h > c.limit {
		c.over.Store(true)
		return true
	}
	return false
}

// HeapBytes is the heap's objects, live and not yet collected: what a
// memory cap (Options.MaxMemory, a campaign's) is held against.
func HeapBytes() int64 {
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
	return HeapBytes()
}
