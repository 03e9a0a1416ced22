package watchdog

import (
	"strings"
	"testing"
	"time"
)

// TestLookTellsAHangFromProgress: on a clock of its own, a run whose steps
// stand still for the timeout hangs, once; one whose steps move, a new
// seed, a run that took its last step and an idle worker never do.
func TestLookTellsAHangFromProgress(t *testing.T) {
	const timeout = 10 * time.Second
	t0 := time.Unix(0, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for _, tc := range []struct {
		name string
		// act changes the pulse before look k (0..9, a look each second)
		act  func(p *Pulse, k int)
		hang bool
	}{
		{"stands still", func(p *Pulse, k int) {}, true},
		{"steps", func(p *Pulse, k int) { p.Steps().Add(1) }, false},
		{"a step every 9 s", func(p *Pulse, k int) {
			if k%9 == 8 {
				p.Steps().Add(1)
			}
		}, false},
		{"a new seed", func(p *Pulse, k int) {
			if k == 5 {
				p.Begin(8)
			}
		}, false},
		{"its last step taken", func(p *Pulse, k int) {
			if k == 3 {
				p.Steps().Store(-1) // engine.StepsDone: summing up
			}
		}, false},
		{"ended", func(p *Pulse, k int) {
			if k == 3 && !p.End() {
				t.Fatal("End of a running pulse reported it abandoned")
			}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Pulse{}
			p.Begin(7)
			p.Steps().Add(3)
			var s sighting
			hangs := 0
			for k := range 15 {
				tc.act(p, k)
				if h, ok := s.look(p, at(time.Duration(k)*time.Second), timeout); ok {
					hangs++
					if h.Seed != 7 || h.Steps != 3 || h.After != timeout {
						t.Fatalf("look %d: hang %+v, want seed 7 after 3 steps, still for %s", k, h, timeout)
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.hang]; hangs != want {
				t.Fatalf("%d hangs, want %d", hangs, want)
			}
			if tc.hang && p.End() {
				t.Fatal("End of an abandoned run reported it wanted")
			}
		})
	}
}

// TestWatchReportsWhereARunIsStuck: a worker blocked inside a run is
// reported, with the stack of its own goroutine (the function it is
// stuck in), and its run is abandoned; a stopped watch reports nothing
// more.
func TestWatchReportsWhereARunIsStuck(t *testing.T) {
	p := &Pulse{}
	release, bound := make(chan struct{}), make(chan struct{})
	ended := make(chan bool)
	go func() {
		p.Bind()
		p.Begin(42)
		close(bound)
		stuckInProtocolCode(release)
		ended <- p.End()
	}()
	<-bound
	hangs := make(chan Hang, 1)
	stop := Watch([]*Pulse{p}, 50*time.Millisecond, func(h Hang) { hangs <- h })
	h := <-hangs
	stop()
	close(release)
	if <-ended {
		t.Fatal("the abandoned run's End reported it wanted")
	}
	if h.Seed != 42 || !strings.Contains(h.Stack, "watchdog.stuckInProtocolCode") || !strings.HasPrefix(h.Stack, "goroutine ") {
		t.Fatalf("hang %+v: want seed 42 and the stuck goroutine's stack", h)
	}
	if strings.Contains(h.Stack, "TestWatchReportsWhereARunIsStuck(") {
		t.Fatalf("the stack is not the stuck goroutine's alone:\n%s", h.Stack)
	}
	if !strings.Contains(h.Error(), "seed 42 hangs") {
		t.Fatalf("Error() = %q", h.Error())
	}
}

func stuckInProtocolCode(release chan struct{}) { <-release }

// TestWatchWithNoTimeoutWatchesNothing: a timeout of zero starts nothing.
func TestWatchWithNoTimeoutWatchesNothing(t *testing.T) {
	p := &Pulse{}
	p.Begin(1)
	Watch([]*Pulse{p}, 0, func(Hang) { t.Error("a hang reported with no timeout") })()
	if !p.End() {
		t.Fatal("the run was abandoned")
	}
}

// TestRunReturnsTheResultOrTheHang: Run returns what its work returns, and
// for work that runs seeds one after another and blocks in one, the hang
// of that seed, while the work stays stuck.
func TestRunReturnsTheResultOrTheHang(t *testing.T) {
	v, h, err := Run(time.Hour, 5, func(p *Pulse) (int, error) {
		p.Steps().Add(1)
		return 7, nil
	})
	if v != 7 || h != nil || err != nil {
		t.Fatalf("Run = %d, %v, %v; want 7, no hang, no error", v, h, err)
	}
	release := make(chan struct{})
	defer close(release)
	// The timeout is long beside the steps of seeds 5 and 6, so that a
	// loaded machine holding this goroutine back cannot make them look hung.
	v, h, err = Run(time.Second, 5, func(p *Pulse) (int, error) {
		for seed := uint64(5); seed < 9; seed++ {
			p.Begin(seed)
			p.Steps().Add(3)
			if seed == 7 {
				stuckInProtocolCode(release)
			}
		}
		return 1, nil
	})
	if v != 0 || err != nil || h == nil || h.Seed != 7 || h.Steps != 3 || !strings.Contains(h.Stack, "watchdog.stuckInProtocolCode") {
		t.Fatalf("Run = %d, %+v, %v; want the hang of seed 7 after 3 steps, with its stack", v, h, err)
	}
}
