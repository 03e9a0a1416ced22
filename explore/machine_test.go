package explore

import (
	"io/fs"
	"testing"
)

// TestMemoryLimitIsTheLowestOfMachineAndCgroup: the memory a search may
// count on is the machine's unless its cgroup (a container's, a pod's)
// allows less; "max" and v1's huge "no limit" are no limit, and what
// cannot be read leaves 8 GiB.
func TestMemoryLimitIsTheLowestOfMachineAndCgroup(t *testing.T) {
	const machine = "MemTotal:       16384000 kB\nMemFree: 1 kB\n"
	tests := []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"nothing readable", nil, 8 << 30},
		{"machine only", map[string]string{meminfoFile: machine}, 16384000 << 10},
		{"cgroup v2 limit", map[string]string{meminfoFile: machine, cgroupV2File: "2147483648\n"}, 2 << 30},
		{"cgroup v2 max", map[string]string{meminfoFile: machine, cgroupV2File: "max\n"}, 16384000 << 10},
		{"cgroup v1 limit", map[string]string{meminfoFile: machine, cgroupV1File: "1073741824\n"}, 1 << 30},
		{"cgroup v1 unlimited", map[string]string{meminfoFile: machine, cgroupV1File: "9223372036854771712\n"}, 16384000 << 10},
		{"cgroup garbage", map[string]string{meminfoFile: machine, cgroupV2File: "-5"}, 16384000 << 10},
	}
	for _, tt := range tests {
		read := func(name string) ([]byte, error) {
			if text, ok := tt.files[name]; ok {
				return []byte(text), nil
			}
			return nil, fs.ErrNotExist
		}
		if got := memoryLimit(read); got != tt.want {
			t.Errorf("%s: %d bytes, want %d", tt.name, got, tt.want)
		}
	}
}

// TestACapPastTheMachineIsBounded: a search asked for more memory than
// the machine can give gets UsableMemory, so the cap stops it before the
// OOM killer could.
func TestACapPastTheMachineIsBounded(t *testing.T) {
	c := newMemoryCap(1<<62, nil)
	defer c.release()
	if c.limit != UsableMemory() || c.limit >= MachineMemory() {
		t.Fatalf("cap %d, want UsableMemory %d, below the machine's %d", c.limit, UsableMemory(), MachineMemory())
	}
}
