package linearize

import (
	"fmt"
	"math"

	"github.com/anishathalye/porcupine"

	"github.com/paxsim/paxsim/checker"
)

// Op is one client operation: propose(Value), invoked on replica Node at
// Invoke and answered with Output at Return. Return < 0 means the outcome is
// unknown (the client gave up, or its replica crashed before answering): the
// operation may or may not have taken effect, and Output is ignored.
//
// The interval [Invoke, Return] is closed, as in porcupine: an operation that
// returns at t and one invoked at t are concurrent. Following porcupine's
// convention for an unknown outcome, the check gives such an operation a
// return after every other event of the history and an Output the Model
// accepts whatever was decided.
//
// A run's history (scenarios.Op) is made of these.
type Op struct {
	Client int           `json:"client"` // the client: >= 0, and its lane in the visualization
	Node   int           `json:"node"`   // the replica the client asked: shown in tooltips
	Value  checker.Value `json:"value"`  // the value proposed: positive, unique per proposal
	Invoke int64         `json:"invoke"` // when the client asked, >= 0
	Return int64         `json:"return"` // when it was answered, >= Invoke; < 0 for unknown
	Output checker.Value `json:"output"` // the decided value it was told, when Return >= 0
}

// Verdict is the outcome of a check.
type Verdict string

// The verdicts.
const (
	// Ok: the history is linearizable.
	Ok Verdict = "ok"
	// Illegal: the history is not linearizable, or is malformed (see Check).
	Illegal Verdict = "illegal"
	// Unknown: the search spent its Budget before it ended. It is
	// inconclusive, never a pass: the history may well be Illegal. Like
	// the other verdicts, it is a pure function of the history and the
	// budget.
	Unknown Verdict = "unknown"
)

// Check reports whether the history ops is linearizable with respect to
// Model, with porcupine's search bounded by budget: Unknown when it spends
// the budget before it ends.
//
// A malformed history (a negative client or invoke time, a known return
// before its invoke, a time of math.MaxInt64) is Illegal: no run records it.
// Explain returns what is wrong with it. A non-positive proposal or a known
// non-positive Output is merely an illegal step of the Model.
//
// The order of ops does not matter to Ok and Illegal, only to how many
// steps the search takes to reach them.
func Check(ops []Op, budget Budget) Verdict {
	if validate(ops) != nil {
		return Illegal
	}
	return search(Model(), operations(ops, horizon(ops, nil)), onePartition, budget)
}

// onePartition names the partition of every input of Model: there is one.
func onePartition(any) string { return "" }

// validate reports the first operation that no run could record.
func validate(ops []Op) error {
	for i, op := range ops {
		switch {
		case op.Client < 0:
			return fmt.Errorf("linearize: op %d: negative client %d", i, op.Client)
		case op.Invoke < 0:
			return fmt.Errorf("linearize: op %d: negative invoke time %d", i, op.Invoke)
		case op.Return >= 0 && op.Return < op.Invoke:
			return fmt.Errorf("linearize: op %d: returns at %d, before its invoke at %d",
				i, op.Return, op.Invoke)
		case op.Invoke == math.MaxInt64 || op.Return == math.MaxInt64:
			return fmt.Errorf("linearize: op %d: time %d is reserved", i, int64(math.MaxInt64))
		}
	}
	return nil
}

// horizon is a time after every event of the history and every annotation:
// where operations with an unknown outcome, and faults that never ended,
// are taken to end.
func horizon(ops []Op, annotations []Annotation) int64 {
	last := int64(0)
	for _, op := range ops {
		last = max(last, op.Invoke, op.Return)
	}
	for _, a := range annotations {
		last = max(last, a.Start, a.End)
	}
	return last + 1
}

// opInfo is an operation's porcupine Metadata: what its tooltip says.
type opInfo struct {
	client, node int
	known        bool
}

// describeMetadata is the Model's DescribeOperationMetadata. porcupine puts
// its result into the tooltip as HTML, so it must hold no markup.
func describeMetadata(metadata any) string {
	info, ok := metadata.(opInfo)
	if !ok {
		return ""
	}
	s := fmt.Sprintf("client %d at node %d", info.client, info.node)
	if !info.known {
		s += "; outcome unknown: drawn up to the end of the history"
	}
	return s
}

// operations converts ops to porcupine's, giving every unknown outcome the
// return time end.
func operations(ops []Op, end int64) []porcupine.Operation {
	history := make([]porcupine.Operation, len(ops))
	for i, op := range ops {
		ret, out := op.Return, Output{Known: true, Value: op.Output}
		if ret < 0 {
			ret, out = end, Output{}
		}
		history[i] = porcupine.Operation{
			ClientId: op.Client,
			Input:    op.Value,
			Call:     op.Invoke,
			Output:   out,
			Return:   ret,
			Metadata: opInfo{client: op.Client, node: op.Node, known: out.Known},
		}
	}
	return history
}

// Decide judges a history of the consensus object in closed form, without
// a search: it is linearizable exactly when every known answer is one value
// w, some operation proposed w, and that proposal was invoked no later than
// the earliest known answer returned. (Linearize w's proposal first, at its
// invoke; every answered operation can follow it inside its own interval;
// operations with unknown outcomes go last or never take effect.) It costs
// one pass and no allocation, so every run can afford it; Check, porcupine's
// search, agrees with it on every history (tested) and draws the picture.
func Decide(ops []Op) Verdict {
	w, answered, firstReturn := checker.None, false, int64(0)
	for _, op := range ops {
		if op.Return < 0 {
			continue
		}
		if op.Return < op.Invoke || op.Invoke < 0 {
			return Illegal
		}
		if answered && op.Output != w {
			return Illegal // two answers
		}
		if !answered || op.Return < firstReturn {
			firstReturn = op.Return
		}
		w, answered = op.Output, true
	}
	if !answered {
		return Ok
	}
	for _, op := range ops {
		if op.Value == w && op.Invoke <= firstReturn {
			return Ok
		}
	}
	return Illegal
}
