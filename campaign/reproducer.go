package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/harness"
)

// ReproducerFormat identifies reproducer files and their version.
const ReproducerFormat = "paxsim-reproducer/2"

// Reproducer is what it takes to run a failing seed again: the seed, the
// full configuration (the protocol and variant included) and what the run
// found, to compare against.
type Reproducer struct {
	Format    string        `json:"format"`
	Seed      uint64        `json:"seed"`
	Config    engine.Config `json:"config"`
	Property  string        `json:"property"`
	Message   string        `json:"message"`
	Events    int64         `json:"events"`
	TraceHash string        `json:"trace_hash"`
}

// NewReproducer describes the failing run res of config c of the protocol
// info describes, with the defaults a run fills in written out
// (engine.Config.Effective).
func NewReproducer(info *engine.Info, c engine.Config, res *engine.Result) Reproducer {
	r := Reproducer{Format: ReproducerFormat, Seed: res.Seed, Config: c.Effective(info), Events: res.Events, TraceHash: FormatHash(res.TraceHash)}
	if len(res.Violations) > 0 {
		r.Property = string(res.Violations[0].Property)
		r.Message = res.Violations[0].Message
	}
	return r
}

// fileName is the name of r's file in a failure folder: seed-N.json.
func (r Reproducer) fileName() string { return fmt.Sprintf("seed-%d.json", r.Seed) }

// writeReproducer writes r into the folder dir of d and returns its path.
func (d *outDir) writeReproducer(dir string, r Reproducer) (string, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	return d.writeFile(filepath.Join(dir, r.fileName()), append(data, '\n'))
}

// ReadReproducer loads a reproducer file and checks its configuration
// against the protocol it names, which lookup finds (harness.Registry's
// Lookup): an unknown protocol is an error. Errors name the file and what
// is wrong with it.
func ReadReproducer(path string, lookup func(name string) (*harness.Protocol, error)) (Reproducer, *harness.Protocol, error) {
	var r Reproducer
	data, err := os.ReadFile(path)
	if err != nil {
		return r, nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, nil, fmt.Errorf("%s: not a reproducer: %v", path, err)
	}
	if r.Format != ReproducerFormat {
		return r, nil, fmt.Errorf("%s: format %q, want %q", path, r.Format, ReproducerFormat)
	}
	p, err := lookup(r.Config.Protocol)
	if err != nil {
		return r, nil, fmt.Errorf("%s: %v", path, err)
	}
	if _, _, err := r.Config.Resolve(p.Info()); err != nil {
		var ce *engine.ConfigError
		if errors.As(err, &ce) {
			return r, nil, fmt.Errorf("%s: config field %q: %s", path, ce.Field, ce.Msg)
		}
		return r, nil, fmt.Errorf("%s: %v", path, err)
	}
	return r, p, nil
}

// only is a lookup that knows p alone.
func only(p *harness.Protocol) func(string) (*harness.Protocol, error) {
	return func(name string) (*harness.Protocol, error) {
		if name != p.Name() {
			return nil, fmt.Errorf("a reproducer of protocol %q, not %s", name, p.Name())
		}
		return p, nil
	}
}

// FormatHash renders a trace hash the way reports and JSON show it.
func FormatHash(h uint64) string { return fmt.Sprintf("%016x", h) }
