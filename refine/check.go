package refine

import (
	"errors"
	"fmt"

	"github.com/paxsim/paxsim/checker"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/explore"
	"github.com/paxsim/paxsim/explore/spec"
	"github.com/paxsim/paxsim/model"
	"github.com/paxsim/paxsim/sim"
)

// Refinement is the property a step that does not refine breaks, as a
// Report names it.
const Refinement checker.Property = "refinement"

// ErrNoMapping is Check's and NewCoverage's error for a protocol whose
// adapter has no mapping onto Paxos.tla (engine.Refiner), or whose
// workload is not a consensus object.
var ErrNoMapping = errors.New("the protocol has no refinement mapping onto Paxos.tla (its adapter does not implement engine.Refiner)")

// ErrSymmetry is Check's error for a search with symmetry reduction, which
// the refinement search does not support.
var ErrSymmetry = errors.New("a refinement search does not reduce by symmetry")

// SpecConfig is the Paxos.tla constants a search of c maps onto: an
// acceptor per replica, a value per client, and the ballots of rounds
// 1..c.MaxBallot of every replica.
func SpecConfig[M sim.Message, D any](ref engine.Refiner[M, D], e engine.Config, rounds int) spec.Config {
	return spec.Config{Acceptors: e.Nodes, Values: e.Clients, MaxBallot: ref.SpecBallots(e.Nodes, rounds) - 1}
}

// refiner is p's mapping, or ErrNoMapping.
func refiner[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info) (engine.Refiner[M, D], error) {
	ref, ok := p.(engine.Refiner[M, D])
	if !ok || info.Workload.Kind != engine.Consensus {
		return nil, fmt.Errorf("%s: %w", info.Name, ErrNoMapping)
	}
	return ref, nil
}

// Check explores every state of c under p within its bounds, as
// model.Check does, and checks that every step refines Paxos.tla under
// p's mapping instead of checking the protocol's properties (a step that
// refines keeps agreement: Paxos.tla does). A step that does not refine is
// a violation of Refinement: the Report names the step and why no action
// of Next matches it, with the shortest path to it (breadth first) as
// lines that replay. A protocol without a mapping returns ErrNoMapping; a
// bad c, model.New's errors.
func Check[M sim.Message, D any](p engine.Protocol[M, D], info *engine.Info, c model.CheckConfig, opts explore.Options) (model.Report, spec.Config, error) {
	ref, err := refiner(p, info)
	if err != nil {
		return model.Report{}, spec.Config{}, err
	}
	if opts.Symmetry {
		return model.Report{}, spec.Config{}, ErrSymmetry
	}
	inner, err := model.New(p, info, c)
	if err != nil {
		return model.Report{}, spec.Config{}, err
	}
	sc := SpecConfig(ref, inner.Config(), c.MaxBallot)
	sm, err := spec.New(sc)
	if err != nil {
		return model.Report{}, sc, fmt.Errorf("%s cannot be mapped onto Paxos.tla: %v", info.Name, err)
	}
	r := &Model[M, D]{inner: inner, ref: ref, spec: sm, nodes: inner.Config().Nodes}
	res, err := explore.Run[*State[M, D]](r, opts)
	rep := model.Report{
		Verdict: res.Verdict, Distinct: res.Distinct, Generated: res.Generated, Depth: res.Depth, Walks: res.Walks,
		Complete: res.Complete, Stop: res.Stop, Labels: res.Labels,
		Collision: res.Collision, Elapsed: res.Elapsed, Config: inner.Config(), Decided: inner.Decided(),
	}
	if err != nil || res.Verdict != explore.VerdictViolation {
		return rep, sc, err
	}
	rep.Property = Refinement
	rep.Violation = failure(sm, res.Path, res.Labels)
	rep.Lines, err = inner.PathLines(res.Labels)
	return rep, sc, err
}

// failure words a refinement failure: the step, why, and the Paxos.tla
// state it was taken from.
func failure[M sim.Message, D any](sm *spec.Model, path []*State[M, D], labels []string) string {
	last := path[len(path)-1]
	step := "the initial state"
	from := sm.Init()[0]
	if len(labels) > 0 {
		step = "step " + labels[len(labels)-1]
		from = path[len(path)-2].abs
	}
	return fmt.Sprintf("refinement: %s does not refine %s: %s\n  the mapped state before it:\n    %s",
		step, sm, last.fail, indent(from.String()))
}

// indent indents every line of s after the first by four more spaces.
func indent(s string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, "    "...)
		}
	}
	return string(out)
}
