package multipaxos

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/paxsim/paxsim/internal/arena"
	"github.com/paxsim/paxsim/sim"
)

// Op is what a command does to the service.
type Op uint8

// The operations of the replicated key-value service.
const (
	OpNoop     Op = iota // fills a gap in the log; changes nothing
	OpGet                // returns the value of Key ("" when unset)
	OpPut                // sets Key to Arg; returns "OK"
	OpAppend             // appends Arg to Key's value; returns the new value
	OpReconfig           // makes Members the configuration, Alpha instances later
)

var opNames = [...]string{OpNoop: "noop", OpGet: "get", OpPut: "put", OpAppend: "append", OpReconfig: "reconfig"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Command is the payload of one log entry: a client's operation, a
// reconfiguration, or a no-op. It is a plain comparable value; its strings
// are immutable, so copies share them freely.
type Command struct {
	ID      Value  // the command id (see CommandID); NoOp for a no-op
	Op      Op     //
	Key     string // Get, Put, Append
	Arg     string // Put, Append: the value written or appended
	Members uint64 // Reconfig: the new member set, bit i for node i
}

// IsNoop reports whether c is a no-op.
func (c Command) IsNoop() bool { return c.Op == OpNoop }

func (c Command) String() string {
	switch c.Op {
	case OpNoop:
		return "noop"
	case OpGet:
		return fmt.Sprintf("%s get(%q)", FormatID(c.ID), c.Key)
	case OpPut:
		return fmt.Sprintf("%s put(%q, %q)", FormatID(c.ID), c.Key, c.Arg)
	case OpAppend:
		return fmt.Sprintf("%s append(%q, %q)", FormatID(c.ID), c.Key, c.Arg)
	case OpReconfig:
		return fmt.Sprintf("%s reconfig{%s}", FormatID(c.ID), sim.FormatNodes(c.Members))
	}
	return fmt.Sprintf("%s %s", FormatID(c.ID), c.Op)
}

// Command ids: the one place that defines them.
//
// Every command in the log has a 64-bit id, and that id is the Value of
// every observation about it (Proposed, Promised, Accepted, Learned,
// Applied, Returned), so that the checker judges agreement on ids:
//
//	0                                   NoOp, the no-op a new leader fills gaps with
//	client<<32 | seq                    a client's Get, Put or Append
//	1<<62 | client<<32 | seq            a client's reconfiguration
//
// client is in 1..MaxClient and seq in 1..MaxSeq; ids are positive. A
// client numbers all its requests, reconfigurations included, with one
// sequence starting at 1 and has at most one request outstanding: the
// replicated dedup table keeps, per client, the last seq executed and its
// output, and answers a retry of it from there. Two requests with the same
// (client, seq) must be the same request.
const (
	// NoOp is the id of a no-op.
	NoOp Value = 0
	// MaxClient is the highest client id.
	MaxClient = 1<<30 - 1
	// MaxSeq is the highest sequence number.
	MaxSeq = 1<<32 - 1

	reconfigFlag = 1 << 62
	seqBits      = 32
)

// CommandID is the id of client's request seq (Get, Put or Append).
func CommandID(client, seq int) Value {
	checkClientSeq(client, seq)
	return Value(uint64(client)<<seqBits | uint64(seq))
}

// ReconfigID is the id of client's reconfiguration request seq.
func ReconfigID(client, seq int) Value { return CommandID(client, seq) | reconfigFlag }

// DecodeID splits a command id into its client and sequence number, and
// says whether it names a reconfiguration. NoOp decodes as (0, 0, false).
func DecodeID(id Value) (client, seq int, reconfig bool) {
	u := uint64(id)
	return int(u >> seqBits & MaxClient), int(u & MaxSeq), u&reconfigFlag != 0
}

// FormatID renders an id as "noop", "c3#7" or "reconfig c9#2".
func FormatID(id Value) string {
	if id == NoOp {
		return "noop"
	}
	c, s, r := DecodeID(id)
	if r {
		return fmt.Sprintf("reconfig c%d#%d", c, s)
	}
	return fmt.Sprintf("c%d#%d", c, s)
}

func checkClientSeq(client, seq int) {
	if client < 1 || client > MaxClient || seq < 1 || seq > MaxSeq {
		panic(fmt.Sprintf("multipaxos: client %d, seq %d: want client in 1..%d and seq in 1..%d", client, seq, MaxClient, MaxSeq))
	}
}

// Request builds the message that hands cmd to a replica; send it with
// World.Request (from sim.External). Get, Put, Append and Reconfig build
// the commands.
func Request(cmd Command) Msg { return RequestFrom(nil, cmd) }

// RequestFrom is Request with the message's entry from a (a fresh one when
// a is nil): a client that sends many requests allocates once per chunk of
// them.
func RequestFrom(a *arena.Slice[Entry], cmd Command) Msg {
	if a == nil {
		return Msg{Type: RequestMsg, Entries: []Entry{{Cmd: cmd}}}
	}
	return Msg{Type: RequestMsg, Entries: a.One(Entry{Cmd: cmd})}
}

// Get is client's request seq to read key.
func Get(client, seq int, key string) Msg { return Request(GetCommand(client, seq, key)) }

// Put is client's request seq to set key to value.
func Put(client, seq int, key, value string) Msg { return Request(PutCommand(client, seq, key, value)) }

// Append is client's request seq to append value to key.
func Append(client, seq int, key, value string) Msg {
	return Request(AppendCommand(client, seq, key, value))
}

// Reconfig is client's request seq to make members the configuration.
// It panics on an empty set or an id outside 1..sim.MaxNodes; a member
// outside the cluster makes the command fail when applied (output "error:
// ..."), leaving the configuration as it was.
func Reconfig(client, seq int, members ...sim.NodeID) Msg {
	return Request(ReconfigCommand(client, seq, members...))
}

// GetCommand is the command of Get.
func GetCommand(client, seq int, key string) Command {
	return Command{ID: CommandID(client, seq), Op: OpGet, Key: key}
}

// PutCommand is the command of Put.
func PutCommand(client, seq int, key, value string) Command {
	return Command{ID: CommandID(client, seq), Op: OpPut, Key: key, Arg: value}
}

// AppendCommand is the command of Append.
func AppendCommand(client, seq int, key, value string) Command {
	return Command{ID: CommandID(client, seq), Op: OpAppend, Key: key, Arg: value}
}

// ReconfigCommand is the command of Reconfig.
func ReconfigCommand(client, seq int, members ...sim.NodeID) Command {
	return Command{ID: ReconfigID(client, seq), Op: OpReconfig, Members: MemberSet(members...)}
}

// MemberSet is the set of ids as a mask, bit i for node i. It panics on an
// empty set or an id outside 1..sim.MaxNodes.
func MemberSet(ids ...sim.NodeID) uint64 {
	var m uint64
	for _, id := range ids {
		if id < 1 || id > sim.MaxNodes {
			panic(fmt.Sprintf("multipaxos: node %d is not a node id (1..%d)", id, sim.MaxNodes))
		}
		m |= 1 << uint(id)
	}
	if m == 0 {
		panic("multipaxos: an empty member set")
	}
	return m
}

// formatInstances renders a sorted list of instances compactly: "i3-5",
// "i3,5,7-9".
func formatInstances(ins []int64) string {
	var b strings.Builder
	b.WriteByte('i')
	for k := 0; k < len(ins); {
		j := k
		for j+1 < len(ins) && ins[j+1] == ins[j]+1 {
			j++
		}
		if k > 0 {
			b.WriteByte(',')
		}
		if j == k {
			fmt.Fprintf(&b, "%d", ins[k])
		} else {
			fmt.Fprintf(&b, "%d-%d", ins[k], ins[j])
		}
		k = j + 1
	}
	return b.String()
}

// maskInstances lists the instances lo+k for the bits k of mask.
func maskInstances(lo int64, mask uint64) []int64 {
	out := make([]int64, 0, bits.OnesCount64(mask))
	for m := mask; m != 0; m &= m - 1 {
		out = append(out, lo+int64(bits.TrailingZeros64(m)))
	}
	return out
}
