package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
	"github.com/paxsim/paxsim/view"
)

var viewCmd = &command{
	name:   "view",
	stops:  true,
	usage:  "(TRACE | REPRODUCER | --seed N [config flags]) [--addr HOST:PORT]",
	short:  "browse a run in the browser: step it, see its state, fork it",
	config: true,
	long: `View serves one page on the loopback address and prints its URL: the run
as a space-time diagram (as diagram.html draws it), which the page steps
through, back and forth, by button or key (→ ← Home End, f for the first
failure). At each step it shows every replica's durable and volatile state,
the messages in flight, and each property's status; the step that first
broke a property is marked.

At any step of the schedule the page lists the actions enabled there:
deliver, drop or duplicate each message in flight, fire each timer, crash
or restart each replica. Taking one forks the run: the new run stops after
it (list the actions again to take the next) or runs to the end, its
choices drawn from a seed. The page offers the new run's decision trace as
a download, which replay replays step for step. A decision trace pasted
into the page opens it.

TRACE is a decision trace (shrunk.trace, seed-N.trace), REPRODUCER a
seed-N.json; --seed N and config flags view that seed's run, as its decision
trace (run --record). Everything the page needs is in the binary: it loads
nothing from the network.

The server binds 127.0.0.1 on a free port unless --addr says otherwise, and
warns when the address is not a loopback one. It answers only requests whose
Host header is the address it serves (a name a foreign page rebinds to the
loopback address gets nothing), serves only the run, never a file, and
bounds every request's size and time and a run to the end's steps. Ctrl-C
stops it.`,
	flags: func(fs *flag.FlagSet, o *options) {
		fs.Var(value[uint64]{&o.seed}, "seed", "the seed `N` to view (without FILE)")
		fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "the `HOST:PORT` to serve on (port 0: a free one)")
	},
	run: func(ctx context.Context, x *invocation, o *options, args []string) error {
		if len(args) > 1 {
			return usageErrorf("view", "view takes one TRACE or REPRODUCER file, not %d arguments", len(args))
		}
		t, title, err := x.viewTrace(o, args)
		if err != nil {
			return err
		}
		srv, err := view.New(view.Config{Protocol: o.p, Trace: t, Title: title, Lookup: x.reg.Lookup})
		var le *engine.LineError
		if errors.As(err, &le) && le.File == "" && len(args) == 1 {
			le.File = args[0]
		}
		if err := runError("view", o.p.Info(), err); err != nil {
			return err
		}
		return x.serve(ctx, o.addr, srv)
	},
}

// viewTrace is the decision trace view shows, and its title: the file,
// or the run of --seed recorded.
func (x *invocation) viewTrace(o *options, args []string) (*trace.Trace, string, error) {
	if len(args) == 1 {
		for _, name := range slices.Sorted(maps.Keys(o.set)) {
			if name == "seed" || (name != "protocol" && isConfigFlag(o.p.Info(), name)) {
				return nil, "", usageErrorf("view", "--%s cannot be used with a FILE, which holds the seed and the config", name)
			}
		}
		return x.viewFile(o, args[0])
	}
	if !o.set["seed"] {
		return nil, "", usageErrorf("view", "view needs a TRACE or REPRODUCER file, or --seed N")
	}
	if err := checkConfig("view", o); err != nil {
		return nil, "", err
	}
	return x.recordSeed(o, fmt.Sprintf("seed %d", o.seed))
}

// viewFile reads path: a decision trace, or a reproducer whose seed's run
// is recorded.
func (x *invocation) viewFile(o *options, path string) (*trace.Trace, string, error) {
	title := filepath.Base(path)
	if t, ok, err := readTrace(path); ok || err != nil {
		if err != nil {
			return nil, "", err
		}
		p, err := x.checkTrace(o, path, t)
		o.p = p
		return t, title, err
	}
	rep, p, err := campaign.ReadReproducer(path, x.lookupFor(o, path))
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, "", inputErrorf("cannot read reproducer %s: %v", pe.Path, pe.Err)
	case err != nil:
		return nil, "", inputErrorf("%v", err)
	}
	o.p, o.seed, o.cfg = p, rep.Seed, rep.Config
	return x.recordSeed(o, title)
}

// recordSeed runs o.seed of o.cfg and returns its decision trace.
func (x *invocation) recordSeed(o *options, title string) (*trace.Trace, string, error) {
	res, err := o.p.Run(o.cfg, o.seed, engine.Options{Record: true})
	if err := runError("view", o.p.Info(), err); err != nil {
		return nil, "", err
	}
	t := trace.FromResult(o.cfg, &res)
	t.Comments = []string{"recorded by: " + x.replayLine(o.p.Info(), o.seed, o.cfg)}
	return t, title, nil
}

// serve listens on addr and serves srv until ctx ends (Ctrl-C).
func (x *invocation) serve(ctx context.Context, addr string, srv *view.Server) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("view", "invalid value %q for --addr: want HOST:PORT, e.g. 127.0.0.1:8080 (%v)", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return usageErrorf("view", "invalid value %q for --addr: name the host the page is browsed at (the server answers requests for that Host alone), not every interface", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usageErrorf("view", "invalid value %q for --addr: cannot listen there: %v", addr, err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	served := net.JoinHostPort(host, fmt.Sprint(port))
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		x.stdout.Flush()
		fmt.Fprintf(x.stderr, "WARNING: --addr %s is not a loopback address: anyone who can reach it can browse the run and make the server replay traces; the page answers requests for Host %s only\n", addr, served)
	}
	fmt.Fprintf(x.stdout, "serving the run on http://%s/ (Ctrl-C stops)\n", served)
	x.stdout.Flush()
	hs := view.HTTPServer(srv.Handler(served))
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		hs.Close()
		return nil
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
