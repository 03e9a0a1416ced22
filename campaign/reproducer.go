package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/paxsim/paxsim/scenarios"
)

// ReproducerFormat identifies reproducer files and their version.
const ReproducerFormat = "paxsim-reproducer/1"

// Reproducer is what it takes to run a failing seed again: the seed, the
// full configuration (variant included) and what the run found, to compare
// against.
type Reproducer struct {
	Format    string           `json:"format"`
	Seed      uint64           `json:"seed"`
	Config    scenarios.Config `json:"config"`
	Property  string           `json:"property"`
	Message   string           `json:"message"`
	Events    int64            `json:"events"`
	TraceHash string           `json:"trace_hash"`
}

// NewReproducer describes the failing run res of config c, with the
// defaults a run fills in written out (scenarios.Config.Effective).
func NewReproducer(c scenarios.Config, res *scenarios.Result) Reproducer {
	r := Reproducer{Format: ReproducerFormat, Seed: res.Seed, Config: c.Effective(), Events: res.Events, TraceHash: FormatHash(res.TraceHash)}
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

// ReadReproducer loads and checks a reproducer file. Errors name the file
// and what is wrong with it.
func ReadReproducer(path string) (Reproducer, error) {
	var r Reproducer
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("%s: not a reproducer: %v", path, err)
	}
	if r.Format != ReproducerFormat {
		return r, fmt.Errorf("%s: format %q, want %q", path, r.Format, ReproducerFormat)
	}
	if err := r.Config.Validate(); err != nil {
		var ce *scenarios.ConfigError
		if errors.As(err, &ce) {
			return r, fmt.Errorf("%s: config field %q: %s", path, ce.Field, ce.Msg)
		}
		return r, fmt.Errorf("%s: %v", path, err)
	}
	return r, nil
}

// FormatHash renders a trace hash the way reports and JSON show it.
func FormatHash(h uint64) string { return fmt.Sprintf("%016x", h) }
