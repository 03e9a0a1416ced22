package view

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
	"github.com/paxsim/paxsim/sim"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view/step"
)

// Limits of a request.
const (
	// MaxBody bounds a request's body: a pasted trace, a fork.
	MaxBody = 4 << 20
	// DefaultBudget bounds the steps of a fork's run to the end before
	// its liveness phase (step.Continue.Budget).
	DefaultBudget = step.DefaultBudget
)

// Config is what a Server serves.
type Config struct {
	Protocol *harness.Protocol // the trace's protocol
	Trace    *trace.Trace
	Title    string // what the run is: the file's name
	// Lookup finds the protocol a pasted trace names.
	Lookup func(name string) (*harness.Protocol, error)
	// Budget bounds a run to the end's steps (0: DefaultBudget).
	Budget int
}

// Server serves one run and its forks.
type Server struct {
	cfg  Config
	mu   sync.Mutex
	orig *loaded // the run it was given
	cur  *loaded // the run the page shows
}

// loaded is a run the page can show.
type loaded struct {
	title  string
	p      *harness.Protocol
	t      *trace.Trace // the trace the run's frames count the lines of
	run    *step.Run
	forked bool
	page   []byte // the run as the page's JSON
}

// New walks cfg's trace; a trace its protocol cannot replay is an error
// naming its line (*engine.LineError).
func New(cfg Config) (*Server, error) {
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	s := &Server{cfg: cfg}
	l, err := load(cfg.Protocol, cfg.Trace, cfg.Title, false)
	if err != nil {
		return nil, err
	}
	s.orig, s.cur = l, l
	return s, nil
}

// load walks t under p.
func load(p *harness.Protocol, t *trace.Trace, title string, forked bool) (*loaded, error) {
	run, err := p.Step(t, step.Options{ActionsAt: -1})
	if err != nil {
		return nil, err
	}
	return newLoaded(p, t, title, run, forked)
}

func newLoaded(p *harness.Protocol, t *trace.Trace, title string, run *step.Run, forked bool) (*loaded, error) {
	l := &loaded{title: title, p: p, t: t, run: run, forked: forked}
	page, err := json.Marshal(pageOf(l))
	if err != nil {
		return nil, err
	}
	l.page = page
	return l, nil
}

// Handler serves the page and its API to requests for host (the
// "127.0.0.1:PORT" it listens on) alone.
func (s *Server) Handler(host string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.servePage)
	mux.HandleFunc("GET /api/run", s.serveRun)
	mux.HandleFunc("GET /api/actions", s.serveActions)
	mux.HandleFunc("GET /api/trace", s.serveTrace)
	mux.HandleFunc("POST /api/fork", s.serveFork)
	mux.HandleFunc("POST /api/open", s.serveOpen)
	mux.HandleFunc("POST /api/reset", s.serveReset)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != host {
			http.Error(w, fmt.Sprintf("this server serves %s only, not %q", host, r.Host), http.StatusMisdirectedRequest)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}

// HTTPServer is an http.Server of h with every request bounded in time.
func HTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
}

func (s *Server) servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'")
	w.Write(page)
}

func (s *Server) serveRun(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSONBytes(w, s.cur.page)
}

func (s *Server) serveTrace(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.cur.fileName()+`"`)
	s.cur.run.Trace.Write(w)
}

// fileName is the download's name: fork.trace for a fork.
func (l *loaded) fileName() string {
	if l.forked {
		return "fork.trace"
	}
	return "run.trace"
}

// serveActions lists the actions enabled after step frame.
func (s *Server) serveActions(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	frame, err := s.cur.forkable(r.URL.Query().Get("frame"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	run, err := s.cur.p.Step(step.Prefix(s.cur.t, frame), step.Options{ActionsAt: frame})
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, map[string]any{"frame": frame, "actions": nonNil(run.Actions)})
}

// forkable reads a frame number a fork may start at.
func (l *loaded) forkable(text string) (int, error) {
	frame, err := strconv.Atoi(text)
	switch {
	case err != nil || frame < 0 || frame >= len(l.run.Frames):
		return 0, fmt.Errorf("no step %q in this run (steps are 0..%d)", text, len(l.run.Frames)-1)
	case !l.run.Frames[frame].Choice:
		return 0, fmt.Errorf("step %d is in the liveness phase, which runs timed under the seed: fork at a step before it", frame)
	}
	return frame, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// forkRequest is a fork: after step Frame take Action, then stop there
// (Run false) or run to the end under Seed.
type forkRequest struct {
	Frame  int    `json:"frame"`
	Action string `json:"action"`
	Run    bool   `json:"run"`
	Seed   uint64 `json:"seed"`
}

func (s *Server) serveFork(w http.ResponseWriter, r *http.Request) {
	var req forkRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("a fork is a JSON object {frame, action, run, seed}: %v", err))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, status, err := s.fork(req)
	if err != nil {
		writeError(w, status, err)
		return
	}
	s.cur = l
	writeJSONBytes(w, l.page)
}

// fork makes the run req asks for: the current run's trace up to the
// step, the action, and a run to the end when asked.
func (s *Server) fork(req forkRequest) (*loaded, int, error) {
	cur := s.cur
	if _, err := cur.forkable(strconv.Itoa(req.Frame)); err != nil {
		return nil, http.StatusBadRequest, err
	}
	prefix := step.Prefix(cur.t, req.Frame)
	acts, err := cur.p.Step(prefix, step.Options{ActionsAt: req.Frame})
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	if !contains(acts.Actions, req.Action) {
		return nil, http.StatusBadRequest, fmt.Errorf("%q is not an action enabled after step %d", req.Action, req.Frame)
	}
	forked := *prefix
	forked.Comments = nil
	forked.Lines = append(forked.Lines, nextLine(prefix, req.Action))
	o := step.Options{ActionsAt: -1}
	if req.Run {
		o.Continue = &step.Continue{Seed: req.Seed, Budget: s.cfg.Budget}
	}
	run, err := step.Settle(cur.p.Step, &forked, o)
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	l, err := reload(cur.p, run.Trace, fmt.Sprintf("fork of %s after step %d", cur.title, req.Frame))
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	return l, http.StatusOK, nil
}

// reload loads the run of t, a settled trace (step.Settle), as its file
// reads: with the file's line numbers, which a replay's errors name.
func reload(p *harness.Protocol, t *trace.Trace, title string) (*loaded, error) {
	text := t.String()
	file, err := trace.Parse(bytes.NewBufferString(text), "fork.trace")
	if err != nil {
		return nil, err
	}
	l, err := load(p, file, title, true)
	if err == nil && l.run.Trace.String() != text {
		err = fmt.Errorf("the fork's decision trace does not replay to itself")
	}
	return l, err
}

// nextLine is the line that follows t's last one.
func nextLine(t *trace.Trace, text string) sim.ScriptLine {
	n := 4 // after the header
	if len(t.Lines) > 0 {
		n = t.Lines[len(t.Lines)-1].N + 1
	}
	return sim.ScriptLine{N: n, Text: text}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// serveOpen opens a pasted decision trace.
func (s *Server) serveOpen(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("the pasted trace is too long (at most %d bytes): %v", MaxBody, err))
		return
	}
	l, err := s.open(&body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = l
	writeJSONBytes(w, l.page)
}

// open reads and walks a pasted trace; an error names its line.
func (s *Server) open(body *bytes.Buffer) (*loaded, error) {
	l, err := s.openTrace(body)
	var le *engine.LineError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("the pasted trace, line %d: %s", le.Line, le.Msg)
	}
	return l, err
}

func (s *Server) openTrace(body *bytes.Buffer) (*loaded, error) {
	t, err := trace.Parse(body, "")
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.Lookup(t.Config.Protocol)
	if err != nil {
		return nil, &engine.LineError{Line: configLine(t), Msg: err.Error()}
	}
	if err := trace.Check(t, p.Info(), ""); err != nil {
		return nil, err
	}
	return load(p, t, "the pasted trace", false)
}

// configLine is the line of t's config: after its comments and the
// format line.
func configLine(t *trace.Trace) int {
	if len(t.Lines) > 0 {
		return max(t.Lines[0].N-2, 1)
	}
	return len(t.Comments) + 2
}

func (s *Server) serveReset(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = s.orig
	writeJSONBytes(w, s.cur.page)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSONBytes(w, b)
}

func writeJSONBytes(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// writeError answers with {"error": ...}, which the page shows.
func writeError(w http.ResponseWriter, status int, err error) {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
