package linearize

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// KVKind is the kind of a key-value operation.
type KVKind uint8

// The key-value operations.
const (
	// KVGet reads a key: it returns the key's value, "" for a key never
	// written (an absent key and an empty value are one).
	KVGet KVKind = iota + 1
	// KVPut sets a key's value. It returns nothing: what a client was
	// told by a Put is ignored.
	KVPut
	// KVAppend appends to a key's value (to "" for a key never written)
	// and returns the key's new value, the one it has just after the
	// append. Returning it, rather than nothing, shows in each answer the
	// order the appends took effect in, and shows an append executed
	// twice (a retried command the service failed to deduplicate) in the
	// answer of the next Get or Append, without waiting for a Get.
	KVAppend
)

var kvKindNames = [...]string{KVGet: "get", KVPut: "put", KVAppend: "append"}

func (k KVKind) valid() bool { return k >= KVGet && k <= KVAppend }

// String renders "get", "put" or "append", or kind(N) for another number.
func (k KVKind) String() string {
	if k.valid() {
		return kvKindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText encodes a kind as its name, which JSON histories use.
func (k KVKind) MarshalText() ([]byte, error) {
	if !k.valid() {
		return nil, fmt.Errorf("linearize: no such key-value operation: %s", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its name.
func (k *KVKind) UnmarshalText(text []byte) error {
	for kind := KVGet; kind <= KVAppend; kind++ {
		if string(text) == kvKindNames[kind] {
			*k = kind
			return nil
		}
	}
	return fmt.Errorf("linearize: no such key-value operation: %q", text)
}

// KVOp is one client operation on a replicated key-value store: Kind on
// Key, with argument Value (Put and Append), invoked on replica Node at
// Invoke and answered with Output at Return. Return < 0 means the outcome
// is unknown (the client gave up, or its replica crashed before
// answering): the operation may or may not have taken effect, and Output
// is ignored. Output is what the operation returned: the value read by a
// Get, the new value of the key after an Append (see KVAppend); it is
// ignored for a Put.
//
// A client command that was retried (sent again after a timeout, maybe to
// another replica) is one operation, from the invoke of its first attempt
// to the answer of the one answered: the service must execute it once.
// Recording each attempt as an operation of its own would make a command
// executed twice look like two commands, each executed once.
//
// Intervals are closed, and an unknown outcome is drawn to the end of the
// history, as for Op.
type KVOp struct {
	Client int    `json:"client"` // the client: >= 0, and its lane in the visualization
	Node   int    `json:"node"`   // the replica the client asked: shown in tooltips
	Kind   KVKind `json:"kind"`   // get, put or append
	Key    string `json:"key"`
	Value  string `json:"value"`  // the argument of a Put or Append; ignored for a Get
	Invoke int64  `json:"invoke"` // when the client asked, >= 0
	Return int64  `json:"return"` // when it was answered, >= Invoke; < 0 for unknown
	Output string `json:"output"` // what it returned, when Return >= 0
}

// KVInput is an operation's input, as KVModel sees it.
type KVInput struct {
	Kind  KVKind
	Key   string
	Value string // the argument of a Put or Append
}

// KVOutput is what a client was told, as KVModel sees it. An operation
// whose outcome is unknown has Known false, and the model accepts any
// output for it.
type KVOutput struct {
	Known bool
	Value string // the value a Get read or an Append made; meaningful when Known
}

// KVModel returns the sequential specification of a linearizable
// key-value store, in porcupine's terms, partitioned by key: keys are
// independent objects, and a history is linearizable exactly when the
// history of each key is (linearizability is local), so porcupine checks
// each key's operations on their own, the state being one key's value.
//
// The model's values, with their dynamic types:
//
//	state  string    the value of the partition's key, "" when never written
//	input  KVInput   the operation and its arguments
//	output KVOutput  what the client was told
//
// Step: a Get must return the value, and leaves it; a Put sets it,
// whatever it returned; an Append appends its argument and must return
// the result. An unknown output is legal in any state, and a Put or Append
// with one changes the value as if answered. Step is total: a value of
// another type or an unknown kind is an illegal step, never a panic.
// Partition and PartitionEvent put operations whose input is not a
// KVInput in a partition of their own, where Step finds them illegal.
//
// States are compared as strings and hashed (FNV-1a) for porcupine's
// cache of visited configurations. Each call returns a fresh Model; its
// functions are pure and safe for concurrent use, as porcupine requires.
func KVModel() porcupine.Model {
	return porcupine.Model{
		Partition:                 partitionKV,
		PartitionEvent:            partitionKVEvents,
		Init:                      func() any { return "" },
		Step:                      stepKV,
		Equal:                     func(a, b any) bool { return a == b },
		Hash:                      hashKV,
		DescribeOperation:         describeKVOperation,
		DescribeState:             describeKVState,
		DescribeOperationMetadata: describeMetadata,
	}
}

// stepKV is KVModel's Step. It returns the given state unchanged with
// every illegal step, as step does.
func stepKV(state, input, output any) (bool, any) {
	value, okState := state.(string)
	in, okInput := input.(KVInput)
	out, okOutput := output.(KVOutput)
	if !okState || !okInput || !okOutput {
		return false, state
	}
	switch in.Kind {
	case KVGet:
		return !out.Known || out.Value == value, state
	case KVPut:
		return true, in.Value
	case KVAppend:
		next := value + in.Value
		if out.Known && out.Value != next {
			return false, state
		}
		return true, next
	}
	return false, state
}

// hashKV is KVModel's Hash: FNV-1a of the state, 0 for a state of another
// type (which no legal step leads to).
func hashKV(state any) uint64 {
	s, _ := state.(string)
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// keyOf is the partition of an operation's input: its key, ok false for
// an input that is not a KVInput.
func keyOf(input any) (key string, ok bool) {
	in, ok := input.(KVInput)
	return in.Key, ok
}

// compareKeys orders partitions: inputs that are not KVInputs first, then
// by key.
func compareKeys(a, b any) int {
	ka, okA := keyOf(a)
	kb, okB := keyOf(b)
	if okA != okB {
		if okA {
			return 1
		}
		return -1
	}
	return cmp.Compare(ka, kb)
}

// partitionKV is KVModel's Partition: the operations of each key, in the
// order of keys, each partition in the order of history.
func partitionKV(history []porcupine.Operation) [][]porcupine.Operation {
	sorted := slices.Clone(history)
	slices.SortStableFunc(sorted, func(a, b porcupine.Operation) int { return compareKeys(a.Input, b.Input) })
	var parts [][]porcupine.Operation
	for start := 0; start < len(sorted); {
		end := start + 1
		for end < len(sorted) && compareKeys(sorted[start].Input, sorted[end].Input) == 0 {
			end++
		}
		parts = append(parts, sorted[start:end:end])
		start = end
	}
	return parts
}

// partitionKVEvents is KVModel's PartitionEvent: like partitionKV, with
// each return event in the partition of its call (matched by Id).
func partitionKVEvents(history []porcupine.Event) [][]porcupine.Event {
	calls := make(map[int]any) // the input of each call, by Id
	inputs := make([]any, len(history))
	for i, e := range history {
		if e.Kind == porcupine.CallEvent {
			calls[e.Id] = e.Value
			inputs[i] = e.Value
		}
	}
	for i, e := range history {
		if e.Kind == porcupine.ReturnEvent {
			inputs[i] = calls[e.Id]
		}
	}
	order := make([]int, len(history))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareKeys(inputs[a], inputs[b]) })
	var parts [][]porcupine.Event
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && compareKeys(inputs[order[start]], inputs[order[end]]) == 0 {
			end++
		}
		part := make([]porcupine.Event, 0, end-start)
		for _, i := range order[start:end] {
			part = append(part, history[i])
		}
		parts = append(parts, part)
		start = end
	}
	return parts
}

// describeKVOperation renders `get("x") -> "ab"`, `put("x", "a")` and
// `append("x", "b") -> "ab"`, with "-> ?" for an unknown outcome. Strings
// are quoted as in Go.
func describeKVOperation(input, output any) string {
	in, okInput := input.(KVInput)
	out, okOutput := output.(KVOutput)
	if !okInput || !okOutput {
		return fmt.Sprintf("%v -> %v", input, output)
	}
	s := fmt.Sprintf("%s(%q, %q)", in.Kind, in.Key, in.Value)
	if in.Kind == KVGet {
		s = fmt.Sprintf("get(%q)", in.Key)
	}
	switch {
	case !out.Known:
		return s + " -> ?"
	case in.Kind == KVPut:
		return s
	}
	return s + " -> " + strconv.Quote(out.Value)
}

// describeKVState renders the value of the partition's key, quoted.
func describeKVState(state any) string {
	s, ok := state.(string)
	if !ok {
		return fmt.Sprintf("bad state %v", state)
	}
	return strconv.Quote(s)
}

// CheckKV reports whether the history ops is linearizable with respect to
// KVModel, with porcupine's search bounded by budget as Check's is. Keys
// are checked independently, one after the other in the order of keys,
// each with the whole budget; the verdict is Illegal when any key's
// history is, and otherwise Unknown when some key's search spent its
// budget.
//
// A malformed history (a negative client or invoke time, a known return
// before its invoke, a time of math.MaxInt64, a Kind that is none of
// KVGet, KVPut and KVAppend) is Illegal; ExplainKV returns what is wrong
// with it.
//
// The order of ops does not matter to Ok and Illegal, only to how many
// steps the search takes to reach them.
func CheckKV(ops []KVOp, budget Budget) Verdict {
	lanes := shadows(ops)
	if validateKV(ops, lanes) != nil {
		return Illegal
	}
	return search(KVModel(), kvOperations(ops, horizon(lanes, nil)), kvPartition, budget)
}

// kvPartition names the partition of a KVModel input: "k" and its key,
// or "x" for an input that is not a KVInput (none in a history of KVOps),
// which partitionKV puts apart.
func kvPartition(input any) string {
	if key, ok := keyOf(input); ok {
		return "k" + key
	}
	return "x"
}

// ExplainKV checks ops like CheckKV and writes porcupine's HTML
// visualization of the history to w, as Explain does: every operation
// (`append("x", "b") -> "ab"`, `get("x") -> ?` for an unknown outcome), the
// faults in annotations on their own lanes, and the longest partial
// linearizations of each key's operations with the values they lead to
// (`"ab"`).
//
// The verdict is CheckKV's with the same budget, and the page is the same
// bytes on every run, as Explain's.
//
// On a malformed history ExplainKV returns Illegal and the reason, and on
// an annotation with a negative Start Unknown and the reason; it writes
// nothing then. Otherwise the error is w's.
func ExplainKV(ops []KVOp, annotations []Annotation, budget Budget, w io.Writer) (Verdict, error) {
	lanes := shadows(ops)
	if err := validateKV(ops, lanes); err != nil {
		return Illegal, err
	}
	if err := validateAnnotations(annotations); err != nil {
		return Unknown, err
	}
	end := horizon(lanes, annotations)
	return draw(KVModel(), kvOperations(ops, end), kvPartition, budget, annotate(lanes, annotations, end), w)
}

// shadows are ops as Ops without their operations: the clients, replicas
// and times that validate, horizon and annotate look at.
func shadows(ops []KVOp) []Op {
	out := make([]Op, len(ops))
	for i, op := range ops {
		out[i] = Op{Client: op.Client, Node: op.Node, Invoke: op.Invoke, Return: op.Return}
	}
	return out
}

// validateKV reports the first operation that no run could record; lanes
// are the shadows of ops.
func validateKV(ops []KVOp, lanes []Op) error {
	if err := validate(lanes); err != nil {
		return err
	}
	for i, op := range ops {
		if !op.Kind.valid() {
			return fmt.Errorf("linearize: op %d: no such key-value operation: %s", i, op.Kind)
		}
	}
	return nil
}

// kvOperations converts ops to porcupine's, giving every unknown outcome
// the return time end.
func kvOperations(ops []KVOp, end int64) []porcupine.Operation {
	history := make([]porcupine.Operation, len(ops))
	for i, op := range ops {
		ret, out := op.Return, KVOutput{Known: true, Value: op.Output}
		if ret < 0 {
			ret, out = end, KVOutput{}
		}
		history[i] = porcupine.Operation{
			ClientId: op.Client,
			Input:    KVInput{Kind: op.Kind, Key: op.Key, Value: op.Value},
			Call:     op.Invoke,
			Output:   out,
			Return:   ret,
			Metadata: opInfo{client: op.Client, node: op.Node, known: out.Known},
		}
	}
	return history
}
