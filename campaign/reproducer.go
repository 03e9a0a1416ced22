package campaign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

// MaxReproducerBytes bounds a reproducer file: one is a few hundred bytes
// of JSON, so anything much larger is not one, and is not read whole.
const MaxReproducerBytes = 1 << 20

// ReadReproducer loads a reproducer file and checks it (ParseReproducer).
// Errors name the file and what is wrong with it.
func ReadReproducer(path string, lookup func(name string) (*harness.Protocol, error)) (Reproducer, *harness.Protocol, error) {
	f, err := os.Open(path)
	if err != nil {
		return Reproducer{}, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxReproducerBytes+1))
	if err != nil {
		return Reproducer{}, nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(data) > MaxReproducerBytes {
		return Reproducer{}, nil, fmt.Errorf("%s: larger than %d bytes: not a reproducer (a reproducer is a small JSON file, seed-N.json)", path, MaxReproducerBytes)
	}
	return ParseReproducer(data, path, lookup)
}

// ParseReproducer reads the text of a reproducer file, named path in
// errors, and checks its configuration against the protocol it names,
// which lookup finds (harness.Registry's Lookup): an unknown protocol is
// an error. A UTF-8 byte-order mark before it is skipped. Every field but
// message, events and trace_hash is required.
func ParseReproducer(data []byte, path string, lookup func(name string) (*harness.Protocol, error)) (Reproducer, *harness.Protocol, error) {
	var r Reproducer
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return r, nil, fmt.Errorf("%s: the file is empty: not a reproducer", path)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, nil, fmt.Errorf("%s: not a reproducer: %v", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return r, nil, fmt.Errorf("%s: not a reproducer: text after its JSON object", path)
	}
	if r.Format != ReproducerFormat {
		return r, nil, fmt.Errorf("%s: format %q, want %q", path, r.Format, ReproducerFormat)
	}
	if missing := missingFields(data, "seed", "config", "property"); len(missing) > 0 {
		return r, nil, fmt.Errorf("%s: no %q field: a reproducer names the seed, the config and the property it broke", path, missing[0])
	}
	p, err := lookup(r.Config.Protocol)
	if err != nil {
		return r, nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := r.Config.Validate(p.Info()); err != nil {
		var ce *engine.ConfigError
		if errors.As(err, &ce) {
			return r, nil, fmt.Errorf("%s: config field %q: %s", path, ce.Field, ce.Msg)
		}
		return r, nil, fmt.Errorf("%s: %v", path, err)
	}
	return r, p, nil
}

// missingFields lists the names among fields that the JSON object data
// lacks.
func missingFields(data []byte, fields ...string) []string {
	var present map[string]json.RawMessage
	if err := json.Unmarshal(data, &present); err != nil {
		return fields
	}
	var missing []string
	for _, f := range fields {
		if v, ok := present[f]; !ok || string(v) == "null" {
			missing = append(missing, f)
		}
	}
	return missing
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
