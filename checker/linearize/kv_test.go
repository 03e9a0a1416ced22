package linearize_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/paxsim/paxsim/checker/linearize"
)

// get is client c's get(key) on node c, over [invoke, ret], reading out.
func get(c int, key string, invoke, ret int64, out string) linearize.KVOp {
	return linearize.KVOp{Client: c, Node: c, Kind: linearize.KVGet, Key: key, Invoke: invoke, Return: ret, Output: out}
}

// put is client c's put(key, value) on node c, over [invoke, ret].
func put(c int, key, value string, invoke, ret int64) linearize.KVOp {
	return linearize.KVOp{Client: c, Node: c, Kind: linearize.KVPut, Key: key, Value: value, Invoke: invoke, Return: ret}
}

// app is client c's append(key, value) on node c, over [invoke, ret],
// answered with the key's new value out.
func app(c int, key, value string, invoke, ret int64, out string) linearize.KVOp {
	return linearize.KVOp{Client: c, Node: c, Kind: linearize.KVAppend, Key: key, Value: value, Invoke: invoke, Return: ret, Output: out}
}

// unanswered is op with an unknown outcome.
func unanswered(op linearize.KVOp) linearize.KVOp {
	op.Return, op.Output = -1, ""
	return op
}

func TestCheckKV(t *testing.T) {
	tests := []struct {
		name string
		ops  []linearize.KVOp
		want linearize.Verdict
	}{
		{"empty history", nil, linearize.Ok},
		{"a key never written reads empty", []linearize.KVOp{get(1, "x", 0, 10, "")}, linearize.Ok},
		{
			name: "put, then get",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 20, 30, "1")},
			want: linearize.Ok,
		},
		{
			name: "appends answered with the new value",
			ops: []linearize.KVOp{
				app(1, "x", "a", 0, 10, "a"), app(2, "x", "b", 20, 30, "ab"), get(1, "x", 40, 50, "ab"),
			},
			want: linearize.Ok,
		},
		{
			name: "an append after a put",
			ops:  []linearize.KVOp{put(1, "x", "p", 0, 10), app(2, "x", "a", 20, 30, "pa")},
			want: linearize.Ok,
		},
		{
			name: "a put's answer is not judged",
			ops:  []linearize.KVOp{{Client: 1, Kind: linearize.KVPut, Key: "x", Value: "1", Invoke: 0, Return: 10, Output: "OK"}},
			want: linearize.Ok,
		},
		{
			name: "concurrent puts: a later get reads the one linearized last",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 20), put(2, "x", "2", 5, 25), get(3, "x", 30, 40, "1")},
			want: linearize.Ok,
		},
		{
			name: "a get concurrent with a put reads the old value",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), put(1, "x", "2", 20, 40), get(2, "x", 25, 30, "1")},
			want: linearize.Ok,
		},
		{
			name: "a get concurrent with a put reads the new value",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), put(1, "x", "2", 20, 40), get(2, "x", 25, 30, "2")},
			want: linearize.Ok,
		},
		{
			name: "concurrent appends in the order they were invoked",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 20, "a"), app(2, "x", "b", 5, 25, "ab")},
			want: linearize.Ok,
		},
		{
			name: "concurrent appends in the other order",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 20, "ba"), app(2, "x", "b", 5, 25, "b")},
			want: linearize.Ok,
		},
		{
			name: "closed intervals: a get invoked as a put returns may read the old value",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 10, 20, "")},
			want: linearize.Ok,
		},
		{
			name: "a put of unknown outcome that took effect",
			ops:  []linearize.KVOp{unanswered(put(1, "x", "1", 0, 0)), get(2, "x", 20, 30, "1")},
			want: linearize.Ok,
		},
		{
			name: "a put of unknown outcome that never took effect",
			ops:  []linearize.KVOp{unanswered(put(1, "x", "1", 0, 0)), get(2, "x", 20, 30, "")},
			want: linearize.Ok,
		},
		{
			name: "an append of unknown outcome that took effect, late",
			ops: []linearize.KVOp{
				unanswered(app(1, "x", "a", 0, 0, "")), get(2, "x", 20, 30, ""), app(2, "x", "b", 40, 50, "ab"),
			},
			want: linearize.Ok,
		},
		{
			name: "a get of unknown outcome",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), unanswered(get(2, "x", 5, 0, ""))},
			want: linearize.Ok,
		},
		{
			name: "a retried append recorded as one operation, executed once",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 90, "a"), app(2, "x", "b", 100, 110, "ab")},
			want: linearize.Ok,
		},
		{
			name: "the empty key",
			ops:  []linearize.KVOp{put(1, "", "1", 0, 10), get(2, "", 20, 30, "1"), get(2, "y", 40, 50, "")},
			want: linearize.Ok,
		},
		{
			name: "stale read",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), put(1, "x", "2", 20, 30), get(2, "x", 40, 50, "1")},
			want: linearize.Illegal,
		},
		{
			name: "stale read of the initial value",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 20, 30, "")},
			want: linearize.Illegal,
		},
		{
			name: "a read of a value nobody wrote",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 5, 30, "7")},
			want: linearize.Illegal,
		},
		{
			name: "a read of a value whose put, of unknown outcome, was invoked after it",
			ops:  []linearize.KVOp{get(1, "x", 0, 10, "1"), unanswered(put(2, "x", "1", 20, 0))},
			want: linearize.Illegal,
		},
		{
			name: "lost append, seen in the next append's answer",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 10, "a"), app(2, "x", "b", 20, 30, "b")},
			want: linearize.Illegal,
		},
		{
			name: "lost append, seen by a get",
			ops: []linearize.KVOp{
				app(1, "x", "a", 0, 10, "a"), app(2, "x", "b", 20, 30, "ab"), get(1, "x", 40, 50, "b"),
			},
			want: linearize.Illegal,
		},
		{
			name: "concurrent appends both answered as the first",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 20, "a"), app(2, "x", "b", 5, 25, "b")},
			want: linearize.Illegal,
		},
		{
			name: "a retried append executed twice, seen by a get",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 90, "a"), get(2, "x", 100, 110, "aa")},
			want: linearize.Illegal,
		},
		{
			name: "a retried append executed twice, seen in the next append's answer",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 90, "a"), app(2, "x", "b", 100, 110, "aab")},
			want: linearize.Illegal,
		},
		{
			name: "a retried append answered with the value of its second execution",
			ops:  []linearize.KVOp{app(1, "x", "a", 0, 90, "aa")},
			want: linearize.Illegal,
		},
		{
			name: "an append of unknown outcome executed twice",
			ops:  []linearize.KVOp{unanswered(app(1, "x", "a", 0, 0, "")), get(2, "x", 100, 110, "aa")},
			want: linearize.Illegal,
		},
		{
			name: "keys are independent: another key's put is no write",
			ops:  []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "y", 20, 30, "1")},
			want: linearize.Illegal,
		},
		{
			name: "one illegal key among legal ones",
			ops: []linearize.KVOp{
				put(1, "x", "1", 0, 10), get(2, "x", 20, 30, "1"),
				put(1, "y", "1", 0, 10), put(1, "y", "2", 20, 30), get(2, "y", 40, 50, "1"),
				app(3, "z", "a", 0, 50, "a"),
			},
			want: linearize.Illegal,
		},
		{
			name: "malformed: returns before its invoke",
			ops:  []linearize.KVOp{get(1, "x", 10, 5, "")},
			want: linearize.Illegal,
		},
		{
			name: "malformed: negative client",
			ops:  []linearize.KVOp{get(-1, "x", 0, 5, "")},
			want: linearize.Illegal,
		},
		{
			name: "malformed: the reserved time",
			ops:  []linearize.KVOp{get(1, "x", 0, math.MaxInt64, "")},
			want: linearize.Illegal,
		},
		{
			name: "malformed: no kind",
			ops:  []linearize.KVOp{{Client: 1, Key: "x", Invoke: 0, Return: 5}},
			want: linearize.Illegal,
		},
		{
			name: "malformed: an unknown kind",
			ops:  []linearize.KVOp{{Client: 1, Kind: 9, Key: "x", Invoke: 0, Return: 5}},
			want: linearize.Illegal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linearize.CheckKV(tt.ops, budget); got != tt.want {
				t.Fatalf("CheckKV = %s, want %s", got, tt.want)
			}
			// The order of ops must not matter.
			reversed := slices.Clone(tt.ops)
			slices.Reverse(reversed)
			if got := linearize.CheckKV(reversed, budget); got != tt.want {
				t.Fatalf("CheckKV(reversed) = %s, want %s", got, tt.want)
			}
		})
	}
}

func kvIn(kind linearize.KVKind, key, value string) linearize.KVInput {
	return linearize.KVInput{Kind: kind, Key: key, Value: value}
}

func kvTold(v string) linearize.KVOutput { return linearize.KVOutput{Known: true, Value: v} }

func TestKVModelStep(t *testing.T) {
	var unknownKV linearize.KVOutput
	tests := []struct {
		name   string
		state  any
		input  any
		output any
		ok     bool
		next   any // when ok
	}{
		{"get returns the value", "ab", kvIn(linearize.KVGet, "x", ""), kvTold("ab"), true, "ab"},
		{"get cannot return another", "ab", kvIn(linearize.KVGet, "x", ""), kvTold("a"), false, nil},
		{"get's argument is ignored", "", kvIn(linearize.KVGet, "x", "z"), kvTold(""), true, ""},
		{"get of unknown outcome", "ab", kvIn(linearize.KVGet, "x", ""), unknownKV, true, "ab"},
		{"put sets the value", "ab", kvIn(linearize.KVPut, "x", "c"), kvTold(""), true, "c"},
		{"put's answer is ignored", "ab", kvIn(linearize.KVPut, "x", "c"), kvTold("OK"), true, "c"},
		{"put of unknown outcome", "ab", kvIn(linearize.KVPut, "x", "c"), unknownKV, true, "c"},
		{"append returns the new value", "ab", kvIn(linearize.KVAppend, "x", "c"), kvTold("abc"), true, "abc"},
		{"append cannot return the old value", "ab", kvIn(linearize.KVAppend, "x", "c"), kvTold("ab"), false, nil},
		{"append of unknown outcome", "ab", kvIn(linearize.KVAppend, "x", "c"), unknownKV, true, "abc"},
		{"an unknown kind", "", kvIn(0, "x", ""), unknownKV, false, nil},
		{"a state of another type", []byte("ab"), kvIn(linearize.KVGet, "x", ""), unknownKV, false, nil},
		{"an input of another type", "", "get x", unknownKV, false, nil},
		{"an output of another type", "", kvIn(linearize.KVGet, "x", ""), "", false, nil},
		{"a nil state", nil, kvIn(linearize.KVGet, "x", ""), unknownKV, false, nil},
	}
	m := linearize.KVModel()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, next := m.Step(tt.state, tt.input, tt.output)
			if ok != tt.ok {
				t.Fatalf("Step(%v, %v, %v) ok = %v, want %v", tt.state, tt.input, tt.output, ok, tt.ok)
			}
			if ok && next != tt.next {
				t.Fatalf("Step(%v, %v, %v) next = %v, want %v", tt.state, tt.input, tt.output, next, tt.next)
			}
			if !ok && !slices.Equal(fmt.Append(nil, next), fmt.Append(nil, tt.state)) {
				t.Fatalf("an illegal step changed the state %v to %v", tt.state, next)
			}
		})
	}
	if m.Init() != "" {
		t.Fatalf("Init() = %q, want the empty value", m.Init())
	}
	if !m.Equal("ab", "ab") || m.Equal("ab", "a") || m.Hash("ab") != m.Hash("a"+"b") || m.Hash("ab") == m.Hash("ba") {
		t.Fatalf("states are not compared or hashed by value")
	}
}

func TestKVModelDescribe(t *testing.T) {
	m := linearize.KVModel()
	var unknownKV linearize.KVOutput
	for _, tt := range []struct {
		input, output any
		want          string
	}{
		{kvIn(linearize.KVGet, "x", ""), kvTold("ab"), `get("x") -> "ab"`},
		{kvIn(linearize.KVGet, "x", ""), unknownKV, `get("x") -> ?`},
		{kvIn(linearize.KVPut, "x", "1"), kvTold("OK"), `put("x", "1")`},
		{kvIn(linearize.KVPut, "x", "1"), unknownKV, `put("x", "1") -> ?`},
		{kvIn(linearize.KVAppend, "k\"", "<b>"), kvTold("a<b>"), `append("k\"", "<b>") -> "a<b>"`},
		{kvIn(7, "x", "1"), unknownKV, `kind(7)("x", "1") -> ?`},
		{"get x", 3, "get x -> 3"},
	} {
		if got := m.DescribeOperation(tt.input, tt.output); got != tt.want {
			t.Errorf("DescribeOperation(%v, %v) = %s, want %s", tt.input, tt.output, got, tt.want)
		}
	}
	for state, want := range map[any]string{"": `""`, "a\nb": `"a\nb"`, 3: "bad state 3"} {
		if got := m.DescribeState(state); got != want {
			t.Errorf("DescribeState(%v) = %s, want %s", state, got, want)
		}
	}
}

func TestKVKindText(t *testing.T) {
	op := app(2, "x", "b", 5, 10, "ab")
	b, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"client":2,"node":2,"kind":"append","key":"x","value":"b","invoke":5,"return":10,"output":"ab"}`
	if string(b) != want {
		t.Fatalf("json.Marshal = %s, want %s", b, want)
	}
	var back linearize.KVOp
	if err := json.Unmarshal(b, &back); err != nil || back != op {
		t.Fatalf("json.Unmarshal = %+v, %v; want %+v", back, err, op)
	}
	if err := json.Unmarshal([]byte(`{"kind":"cas"}`), &back); err == nil {
		t.Fatalf("an unknown kind was decoded")
	}
	if _, err := json.Marshal(linearize.KVOp{}); err == nil {
		t.Fatalf("an op without a kind was encoded")
	}
	if s := linearize.KVGet.String() + linearize.KVPut.String() + linearize.KVKind(0).String(); s != "getputkind(0)" {
		t.Fatalf("String = %s", s)
	}
}

// TestKVPartition: each key's operations, keys in order, each partition in
// the order of the history; inputs of another type in a partition first.
func TestKVPartition(t *testing.T) {
	op := func(input any, call int64) porcupine.Operation {
		return porcupine.Operation{Input: input, Call: call, Return: call + 1, Output: linearize.KVOutput{}}
	}
	history := []porcupine.Operation{
		op(kvIn(linearize.KVPut, "y", "1"), 0), op(kvIn(linearize.KVGet, "x", ""), 1), op("bogus", 2),
		op(kvIn(linearize.KVAppend, "y", "2"), 3), op(kvIn(linearize.KVGet, "", ""), 4), op(kvIn(linearize.KVGet, "x", ""), 5),
	}
	parts := linearize.KVModel().Partition(history)
	var got [][]int64
	for _, p := range parts {
		var calls []int64
		for _, o := range p {
			calls = append(calls, o.Call)
		}
		got = append(got, calls)
	}
	want := [][]int64{{2}, {4}, {1, 5}, {0, 3}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("partitions by call time: %v, want %v", got, want)
	}
	if porcupine.CheckOperations(linearize.KVModel(), history) {
		t.Fatalf("a history with a bogus input is linearizable")
	}
}

// events converts ops to porcupine's event form, ordered by time (calls
// before returns at one instant: intervals are closed).
func events(ops []linearize.KVOp) []porcupine.Event {
	type stamped struct {
		t    int64
		ret  bool
		id   int
		kind porcupine.EventKind
	}
	var order []stamped
	end := int64(0)
	for _, op := range ops {
		end = max(end, op.Invoke, op.Return)
	}
	for id, op := range ops {
		order = append(order, stamped{op.Invoke, false, id, porcupine.CallEvent})
		ret := op.Return
		if ret < 0 {
			ret = end + 1
		}
		order = append(order, stamped{ret, true, id, porcupine.ReturnEvent})
	}
	slices.SortStableFunc(order, func(a, b stamped) int {
		if a.t != b.t {
			return int(a.t - b.t)
		}
		if a.ret != b.ret {
			if a.ret {
				return 1
			}
			return -1
		}
		return 0
	})
	out := make([]porcupine.Event, len(order))
	for i, s := range order {
		op := ops[s.id]
		var v any = linearize.KVInput{Kind: op.Kind, Key: op.Key, Value: op.Value}
		if s.ret {
			v = linearize.KVOutput{Known: op.Return >= 0, Value: op.Output}
		}
		out[i] = porcupine.Event{ClientId: op.Client, Kind: s.kind, Value: v, Id: s.id}
	}
	return out
}

// flatModel is a reference for KVModel: the same specification over a
// store of two keys, x and y, without partitions.
func flatModel() porcupine.Model {
	m := linearize.KVModel()
	index := map[string]int{"x": 0, "y": 1}
	return porcupine.Model{
		Init: func() any { return [2]string{} },
		Step: func(state, input, output any) (bool, any) {
			s := state.([2]string)
			in := input.(linearize.KVInput)
			ok, next := m.Step(s[index[in.Key]], input, output)
			if !ok {
				return false, state
			}
			s[index[in.Key]] = next.(string)
			return true, s
		},
	}
}

// specKV draws 1..9 operations on keys x and y, each with an interval and
// a linearization point inside it, and answers them from the sequential
// specification. About a quarter have an unknown outcome; half of those
// never take effect.
func specKV(r *rand.Rand) []linearize.KVOp {
	n := 1 + r.IntN(9)
	ops := make([]linearize.KVOp, n)
	points := make([]int64, n)
	for i := range ops {
		invoke := r.Int64N(60)
		ret := invoke + r.Int64N(30)
		key := [...]string{"x", "y"}[r.IntN(2)]
		value := string(rune('a' + i))
		switch r.IntN(3) {
		case 0:
			ops[i] = get(1+r.IntN(4), key, invoke, ret, "")
		case 1:
			ops[i] = put(1+r.IntN(4), key, value, invoke, ret)
		default:
			ops[i] = app(1+r.IntN(4), key, value, invoke, ret, "")
		}
		points[i] = invoke + r.Int64N(ret-invoke+1)
		if r.IntN(4) == 0 {
			ops[i].Return = -1
			points[i] = invoke + r.Int64N(100)
			if r.IntN(2) == 0 {
				points[i] = -1
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(points[a] - points[b]) })
	store := map[string]string{}
	for _, i := range order {
		if points[i] < 0 {
			continue
		}
		op := &ops[i]
		switch op.Kind {
		case linearize.KVPut:
			store[op.Key] = op.Value
		case linearize.KVAppend:
			store[op.Key] += op.Value
		}
		if op.Return >= 0 {
			op.Output = store[op.Key]
		}
	}
	return ops
}

// TestKVRandomHistories checks histories generated from the specification
// (linearizable by construction), the same with one answer corrupted (not
// linearizable), and histories with arbitrary answers, against the
// unpartitioned reference model: partitioning by key changes no verdict,
// whether porcupine gets operations or events.
func TestKVRandomHistories(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	verdicts := map[linearize.Verdict]int{}
	for range 400 {
		ops := specKV(r)
		if got := linearize.CheckKV(ops, budget); got != linearize.Ok {
			t.Fatalf("history from the spec: CheckKV = %s, want ok\n%s", got, dumpKV(ops))
		}
		var answers []int
		for i, op := range ops {
			if op.Return >= 0 && op.Kind != linearize.KVPut {
				answers = append(answers, i)
			}
		}
		if len(answers) > 0 {
			bad := slices.Clone(ops)
			bad[answers[r.IntN(len(answers))]].Output += "!" // no operation writes a "!"
			if got := linearize.CheckKV(bad, budget); got != linearize.Illegal {
				t.Fatalf("an answer corrupted: CheckKV = %s, want illegal\n%s", got, dumpKV(bad))
			}
		}

		// Arbitrary answers, from the values the history could produce.
		wild := slices.Clone(ops)
		for i := range wild {
			if wild[i].Return >= 0 {
				wild[i].Output = [...]string{"", "a", "b", "ab", "ba", "c"}[r.IntN(6)]
			}
		}
		got := linearize.CheckKV(wild, budget)
		history := make([]porcupine.Operation, 0, len(wild))
		end := int64(200)
		for _, op := range wild {
			ret, out := op.Return, linearize.KVOutput{Known: true, Value: op.Output}
			if ret < 0 {
				ret, out = end, linearize.KVOutput{}
			}
			history = append(history, porcupine.Operation{
				ClientId: op.Client, Input: linearize.KVInput{Kind: op.Kind, Key: op.Key, Value: op.Value},
				Call: op.Invoke, Output: out, Return: ret,
			})
		}
		want := linearize.Illegal
		if porcupine.CheckOperations(flatModel(), history) {
			want = linearize.Ok
		}
		if got != want {
			t.Fatalf("CheckKV = %s, the unpartitioned model says %s\n%s", got, want, dumpKV(wild))
		}
		if byEvents := porcupine.CheckEvents(linearize.KVModel(), events(wild)); byEvents != (want == linearize.Ok) {
			t.Fatalf("CheckEvents = %v, the unpartitioned model says %s\n%s", byEvents, want, dumpKV(wild))
		}
		verdicts[got]++
	}
	if verdicts[linearize.Ok] < 40 || verdicts[linearize.Illegal] < 40 {
		t.Fatalf("arbitrary answers gave %v: too one-sided to compare the models", verdicts)
	}
}

func dumpKV(ops []linearize.KVOp) string {
	var b strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&b, "  %+v\n", op)
	}
	return b.String()
}

// TestCheckKVBudget: Unlimited has no limit; a budget of 0 or less allows
// no step, so only a history with no operation is judged.
func TestCheckKVBudget(t *testing.T) {
	ok := []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 20, 30, "1")}
	bad := []linearize.KVOp{put(1, "x", "1", 0, 10), get(2, "x", 20, 30, "2")}
	if got := linearize.CheckKV(ok, linearize.Unlimited); got != linearize.Ok {
		t.Errorf("CheckKV(ok, Unlimited) = %s, want ok", got)
	}
	if got := linearize.CheckKV(bad, linearize.Unlimited); got != linearize.Illegal {
		t.Errorf("CheckKV(bad, Unlimited) = %s, want illegal", got)
	}
	for _, b := range []linearize.Budget{0, -1} {
		for _, ops := range [][]linearize.KVOp{ok, bad} {
			if got := linearize.CheckKV(ops, b); got != linearize.Unknown {
				t.Errorf("CheckKV(%v, %d) = %s, want unknown: no step was allowed", ops, b, got)
			}
		}
		if got := linearize.CheckKV(nil, b); got != linearize.Ok {
			t.Errorf("CheckKV(nil, %d) = %s, want ok: an empty history needs no step", b, got)
		}
	}
}

// adversarialKV is an illegal history whose search takes about n*2^n
// steps: n concurrent puts of distinct values, and a get concurrent with
// all of them that reads a value none wrote. Every subset of the puts, in
// any order, is a legal prefix, and the last one sets the state.
func adversarialKV(n int) []linearize.KVOp {
	ops := make([]linearize.KVOp, 0, n+1)
	for c := 1; c <= n; c++ {
		ops = append(ops, put(c, "x", fmt.Sprint(c), int64(c), int64(1000+c)))
	}
	return append(ops, get(n+1, "x", 0, 2000, "nobody's"))
}

// TestCheckKVUnknownWhenBudgetRunsOut: a key whose search needs about
// 2^40 steps is Unknown under a budget of a thousand steps; another key,
// judged in a few, does not change that, and an illegal one makes the
// history Illegal whatever the others.
func TestCheckKVUnknownWhenBudgetRunsOut(t *testing.T) {
	if got := linearize.CheckKV(adversarialKV(4), budget); got != linearize.Illegal {
		t.Fatalf("small adversarial history: CheckKV = %s, want illegal", got)
	}
	ops := append(adversarialKV(40), put(1, "y", "1", 0, 10)) // another key, judged at once
	if got := linearize.CheckKV(ops, 1000); got != linearize.Unknown {
		t.Fatalf("CheckKV = %s, want unknown: the search needs about 2^40 steps", got)
	}
	ops = append(ops, put(1, "z", "1", 0, 10), get(2, "z", 20, 30, "0"))
	if got := linearize.CheckKV(ops, 1000); got != linearize.Illegal {
		t.Fatalf("CheckKV = %s, want illegal: key z is", got)
	}
}

// TestCheckKVBudgetIsPerKey: each key gets the whole budget, so a budget
// that judges the hardest key on its own judges it beside other keys, and
// the least such budget is exact, as for Check.
func TestCheckKVBudgetIsPerKey(t *testing.T) {
	hard := adversarialKV(7) // on key x
	least := leastBudget(t, func(b linearize.Budget) bool { return linearize.CheckKV(hard, b) != linearize.Unknown })
	ops := slices.Clone(hard)
	for _, key := range []string{"a", "b", "c"} { // linearizable, in fewer steps than x
		legal := adversarialKV(6)
		legal[len(legal)-1].Output = "3"
		for _, op := range legal {
			op.Key = key
			ops = append(ops, op)
		}
	}
	if got := linearize.CheckKV(ops[len(hard):], least-1); got != linearize.Ok {
		t.Fatalf("the other keys: CheckKV = %s, want ok", got)
	}
	for i := range 10 {
		if got := linearize.CheckKV(ops, least-1); got != linearize.Unknown {
			t.Fatalf("try %d: CheckKV with %d steps = %s, want unknown", i, least-1, got)
		}
		if got := linearize.CheckKV(ops, least); got != linearize.Illegal {
			t.Fatalf("try %d: CheckKV with %d steps = %s, want illegal", i, least, got)
		}
	}
}

// duplicatedAppend is an illegal history with the faults that led to it:
// client 1's append("x", "a") reached node 1, which crashed after
// committing it; the client retried at node 2, which executed it again
// (answering "a", as if it had not), so client 2 reads "aa". Client 3's
// put on key y was never answered.
func duplicatedAppend() ([]linearize.KVOp, []linearize.Annotation) {
	ops := []linearize.KVOp{
		{Client: 1, Node: 2, Kind: linearize.KVAppend, Key: "x", Value: "a", Invoke: 0, Return: 80, Output: "a"},
		get(2, "x", 90, 100, "aa"),
		unanswered(put(3, "y", "1", 10, 0)),
		get(2, "y", 110, 120, "1"),
	}
	annotations := []linearize.Annotation{
		{Start: 30, End: 60, Kind: "crash", Node: 1, Description: "crash node 1"},
	}
	return ops, annotations
}

func TestExplainKV(t *testing.T) {
	ops, annotations := duplicatedAppend()
	if got := linearize.CheckKV(ops, budget); got != linearize.Illegal {
		t.Fatalf("CheckKV = %s, want illegal", got)
	}
	var page bytes.Buffer
	got, err := linearize.ExplainKV(ops, annotations, budget, &page)
	if err != nil || got != linearize.Illegal {
		t.Fatalf("ExplainKV = %s, %v; want illegal, nil", got, err)
	}
	html := page.String()
	if !strings.HasPrefix(html, "<!doctype html>") {
		t.Fatalf("ExplainKV wrote no HTML page: %.80q", html)
	}
	for _, want := range []string{
		// operations, states and tooltips
		`append("x", "a") -> "a"`, `get("x") -> "aa"`, `put("y", "1") -> ?`, `get("y") -> "1"`,
		`"a"`, `"1"`,
		"client 1 at node 2", "client 3 at node 3; outcome unknown: drawn up to the end of the history",
		// the annotation, its lane and its tooltip
		"crash node 1", "node 1", "crash at node 1, t=30..60: crash node 1; no client at node 1",
	} {
		if !strings.Contains(html, inHTML(want)) {
			t.Errorf("the page lacks %s", inHTML(want))
		}
	}
	if dir := os.Getenv("LINEARIZE_HTML_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "duplicated-append.html"), page.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExplainKVOk(t *testing.T) {
	ops := []linearize.KVOp{app(1, "x", "a", 0, 20, "ba"), app(2, "x", "b", 5, 25, "b"), get(3, "x", 30, 40, "ba")}
	var page bytes.Buffer
	got, err := linearize.ExplainKV(ops, nil, budget, &page)
	if err != nil || got != linearize.Ok {
		t.Fatalf("ExplainKV = %s, %v; want ok, nil", got, err)
	}
	for _, want := range []string{`append("x", "a") -> "ba"`, `"ba"`, `"b"`} {
		if !strings.Contains(page.String(), inHTML(want)) {
			t.Errorf("the page lacks %s", inHTML(want))
		}
	}
}

func TestExplainKVErrors(t *testing.T) {
	ops, annotations := duplicatedAppend()
	tests := []struct {
		name        string
		ops         []linearize.KVOp
		annotations []linearize.Annotation
		budget      linearize.Budget
		want        linearize.Verdict
		err         string
	}{
		{"malformed op", []linearize.KVOp{get(1, "x", 10, 5, "")}, nil, budget, linearize.Illegal,
			"op 0: returns at 5, before its invoke at 10"},
		{"no kind", []linearize.KVOp{get(1, "x", 0, 5, ""), {Client: 2, Key: "x"}}, nil, budget, linearize.Illegal,
			"op 1: no such key-value operation: kind(0)"},
		{"negative annotation start", ops, []linearize.Annotation{{Start: -1, Kind: "crash"}}, budget,
			linearize.Unknown, "annotation 0: negative start -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var page bytes.Buffer
			got, err := linearize.ExplainKV(tt.ops, tt.annotations, tt.budget, &page)
			if got != tt.want || err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ExplainKV = %s, %v; want %s and an error with %q", got, err, tt.want, tt.err)
			}
			if page.Len() != 0 {
				t.Fatalf("ExplainKV wrote %d bytes on bad input", page.Len())
			}
		})
	}
	t.Run("failing writer", func(t *testing.T) {
		got, err := linearize.ExplainKV(ops, annotations, budget, failingWriter{})
		if got != linearize.Illegal || !errors.Is(err, errDiskFull) {
			t.Fatalf("ExplainKV = %s, %v; want illegal and the writer's error", got, err)
		}
	})
}
