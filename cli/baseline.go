package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/report"
)

// maxSummaryBytes bounds a --baseline file and a shard's results: a
// summary lists every failing seed, and a million of them take some 200
// MB.
const maxSummaryBytes = 512 << 20

// utf8BOM is the byte-order mark an editor may put before a file's text.
const utf8BOM = "\uFEFF"

// errTooLarge is a file larger than maxSummaryBytes.
var errTooLarge = fmt.Errorf("larger than %d MB", maxSummaryBytes>>20)

// bareError is err without the path and the operation a *fs.PathError
// names: the caller's message names the file.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readSummaryFile reads a campaign summary or shards' results (merge,
// --baseline): at most maxSummaryBytes, so that a file that is not one
// (/dev/zero, a disk image) is not read whole.
func readSummaryFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, bareError(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSummaryBytes+1))
	switch {
	case err != nil:
		return nil, bareError(err)
	case len(data) > maxSummaryBytes:
		return nil, errTooLarge
	}
	return data, nil
}

// readBaseline reads --baseline FILE for cmd: the JSON summary of an
// earlier campaign of protocol (paxsim campaign --json, or paxsim merge
// --json), whose failure groups the new campaign's are labelled against.
func readBaseline(cmd, file, protocol string) (*campaign.Summary, error) {
	bad := func(format string, args ...any) error {
		return usageErrorf(cmd, "invalid value for --baseline: %s: %s", file, fmt.Sprintf(format, args...))
	}
	data, err := readSummaryFile(file)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, bad("%v: not a campaign summary", err)
	case err != nil:
		return nil, bad("%v", err)
	}
	var r report.Shard // a shard's result is a campaign summary too
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))
	if err := dec.Decode(&r); err != nil {
		return nil, bad("not a campaign summary (paxsim campaign --json): %v", err)
	}
	if dec.More() {
		return nil, bad("more than one summary in it (merge a sharded campaign's results first: paxsim merge --json)")
	}
	if r.CampaignHash == "" || r.Config.Protocol == "" {
		return nil, bad("not a campaign summary (paxsim campaign --json): it has no campaign_hash or no config.protocol")
	}
	if err := r.Summary.Consistent(); err != nil {
		return nil, bad("not a campaign's summary as it ran: %v", err)
	}
	if r.Config.Protocol != protocol {
		return nil, bad("a campaign of protocol %s, not of %s: failure groups are compared within one protocol", r.Config.Protocol, protocol)
	}
	return &r.Summary, nil
}

const baselineUsage = "label each failure group new, ongoing, resolved or regressed against the earlier campaign whose summary (paxsim campaign --json, or paxsim merge --json) is in `FILE`"

// readBaseline reads o.baseline, if given, for cmd's campaign of
// protocol.
func (o *options) readBaseline(cmd, protocol string) (*campaign.Summary, error) {
	if o.baseline == "" {
		return nil, nil
	}
	return readBaseline(cmd, o.baseline, protocol)
}
