package srcmut

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/paxsim/paxsim/mutants"
	"github.com/paxsim/paxsim/mutants/reach"
)

// DefaultTimeout is how long one mutant's judgement may take before it
// counts as killed by a timeout: the original code's takes a few
// seconds, so only a mutant that loops forever gets near it.
const DefaultTimeout = 120 * time.Second

// Options configure Run.
type Options struct {
	Root string   // the module's root
	Dirs []string // the packages to mutate, relative to Root ("dir/..." below dir)
	Main string   // the main package to build, relative to Root: a program of cli.Main
	// Operators are the operators applied; nil means DefaultOperators.
	Operators []string
	// ChildArgs are the arguments that make a mutant build judge the
	// mutant reach.Env selects and print its mutants.Verdict as JSON.
	ChildArgs  []string
	Equivalent Equivalent
	Workers    int           // mutants judged at once, each in a process of its own; 0 means runtime.NumCPU()
	Timeout    time.Duration // per mutant; 0 means DefaultTimeout
	// Select, when set, picks the mutants judged by ID: the others are
	// reported Skipped, and the kill rate is over the ones judged.
	Select func(id string) bool
	// OnResult, when set, is called with each judged mutant's result as
	// it completes, in mutant order, from Run's goroutine.
	OnResult func(Result)
}

// ErrSetup marks an error of the environment, not of a mutant: no go
// command, not a module's root.
var ErrSetup = errors.New("setup")

// Preflight checks that root is a module's root and that the go command
// is on the PATH; its errors wrap ErrSetup.
func Preflight(root string) error {
	if _, err := exec.LookPath("go"); err != nil {
		return fmt.Errorf("%w: source mutants build with the go toolchain, and there is no go command on the PATH", ErrSetup)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		abs, _ := filepath.Abs(root)
		return fmt.Errorf("%w: %s is not a Go module's root (no go.mod): run it from the root of the module whose source it mutates", ErrSetup, abs)
	}
	return nil
}

// Run generates the mutants, type-checks each, builds the schema once,
// runs the original code's judgement as a control (it must not be
// killed), and judges every mutant that compiles and is not marked
// equivalent, each in a child process of the schema binary.
func Run(ctx context.Context, o Options) (*Report, error) {
	began := time.Now()
	if err := Preflight(o.Root); err != nil {
		return nil, err
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	set, err := Generate(o.Root, o.Dirs, o.Operators)
	if err != nil {
		return nil, err
	}
	if len(set.Mutants) == 0 {
		return nil, ErrNoMutants
	}
	rep := newReport(set.Mutants, o)
	compiled, _ := set.Compiles()
	dir, err := os.MkdirTemp("", "paxsim-srcmut-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	overlay, err := set.Schema(dir)
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "mutant-build")
	if err := set.Build(overlay, o.Main, bin); err != nil {
		return nil, err
	}
	rep.PrepareSeconds = time.Since(began).Seconds()
	j := &judge{bin: bin, o: o}
	control := j.one(ctx, 0)
	rep.Control = control.Verdict
	if control.Status != Survived {
		return nil, fmt.Errorf("the original code fails its own judgement (%s): %s %s %s", control.Status, control.By, control.Property, control.Message)
	}
	j.sites, rep.Control.Sites = rep.Control.Sites, nil // for the children only
	rep.judgeAll(ctx, j, compiled)
	rep.Control.DropPerRun()
	rep.score()
	rep.WallSeconds = time.Since(began).Seconds()
	rep.CPUSeconds = j.cpu.Load().(float64) + selfCPU()
	return rep, nil
}

// judge runs mutants in child processes of the schema binary.
type judge struct {
	bin string
	o   Options
	// sites is what the control's campaigns ran of each mutant's site,
	// per protocol (reach.RunByEnv).
	sites []mutants.ProtocolSites
	cpu   atomic.Value // float64: the children's CPU seconds
	mu    sync.Mutex
}

// one judges mutant n (0: the original code) in a child process.
func (j *judge) one(ctx context.Context, n int) Result {
	ctx, cancel := context.WithTimeout(ctx, j.o.Timeout)
	defer cancel()
	began := time.Now()
	cmd := exec.CommandContext(ctx, j.bin, j.o.ChildArgs...)
	cmd.Env = append(os.Environ(), reach.Env+"="+strconv.Itoa(n))
	if n != 0 && len(j.sites) > 0 {
		cmd.Env = append(cmd.Env, reach.RunByEnv+"="+j.runBy(n))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Result{Seconds: time.Since(began).Seconds()}
	if cmd.ProcessState != nil {
		j.addCPU(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		r.Status, r.By, r.Message = Killed, "timeout", fmt.Sprintf("no verdict within %s", j.o.Timeout)
	case ctx.Err() != nil:
		r.Status = Interrupted
	case json.Unmarshal(stdout.Bytes(), &r.Verdict) != nil:
		// No verdict: the process died of the mutant (a crash outside a
		// run, a fatal error): the harness noticed it.
		r.Status, r.By, r.Message = Killed, "crash", fmt.Sprintf("%v: %s", err, lastLine(stderr.String()))
	case r.Killed:
		r.Status = Killed
	default:
		r.Status = Survived
	}
	return r
}

// runBy is reach.RunByEnv's value for mutant n: for each protocol, ran
// when the control's campaigns of it ran n's site, skip when the site had
// not run at all by their end, nothing when it had run before them only.
func (j *judge) runBy(n int) string {
	var out []string
	for _, s := range j.sites {
		if _, ran := slices.BinarySearch(s.Ran, n); ran {
			out = append(out, s.Protocol+":ran")
		} else if _, seen := slices.BinarySearch(s.Seen, n); !seen {
			out = append(out, s.Protocol+":skip")
		}
	}
	return strings.Join(out, ",")
}

// addCPU adds a child's CPU time.
func (j *judge) addCPU(d time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	prev, _ := j.cpu.Load().(float64)
	j.cpu.Store(prev + d.Seconds())
}

// judgeAll judges the mutants that compile and are not marked equivalent
// on the workers, and reports each in mutant order.
func (rep *Report) judgeAll(ctx context.Context, j *judge, compiled []error) {
	j.cpu.Store(0.0)
	var todo []int
	for i := range rep.Mutants {
		r := &rep.Mutants[i]
		switch {
		case compiled[i] != nil:
			r.Status, r.Message = NotCompiled, compiled[i].Error()
		case j.o.Equivalent[r.ID] != "":
			r.Status, r.Message = MarkedEquivalent, j.o.Equivalent[r.ID]
		case j.o.Select != nil && !j.o.Select(r.ID):
			r.Status = Skipped
		default:
			todo = append(todo, i)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	done := make([]chan struct{}, len(rep.Mutants))
	for i := range done {
		done[i] = make(chan struct{})
	}
	for range min(j.o.Workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < len(todo); k = int(next.Add(1) - 1) {
				i := todo[k]
				res := j.one(ctx, rep.Mutants[i].N)
				res.Mutant = rep.Mutants[i].Mutant
				res.judgePerformance(rep.Control)
				res.DropPerRun()
				rep.Mutants[i] = res
				close(done[i])
			}
		}()
	}
	for _, i := range todo {
		<-done[i]
		if j.o.OnResult != nil {
			j.o.OnResult(rep.Mutants[i])
		}
	}
	wg.Wait()
}

// judgePerformance kills a mutant that survived every campaign and
// search but is slower than the original code, control, on the same
// seeds (mutants.Performance.Regression): it dropped something the
// protocol needs to work as well as it did, and only a retry made up for
// it. A survivor gets Nearest: how near it came.
func (r *Result) judgePerformance(control mutants.Verdict) {
	if r.Status != Survived {
		return
	}
	var near []string
	for i, p := range r.Performance { // in the order judged, as the control's
		if i >= len(control.Performance) {
			break
		}
		if why := p.Regression(control.Performance[i]); why != "" {
			r.Status, r.Killed, r.By, r.Protocol, r.Property, r.Message = Killed, true, "performance", p.Protocol, "performance", why
			return
		}
		if n := p.Nearest(control.Performance[i]); n != "" {
			near = append(near, n)
		}
	}
	r.Nearest = strings.Join(near, "; ")
}

// lastLine is s's last non-empty line.
func lastLine(s string) string {
	s = string(bytes.TrimSpace([]byte(s)))
	if i := bytes.LastIndexByte([]byte(s), '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// selfCPU is this process's CPU time so far, in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
