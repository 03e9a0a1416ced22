package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/paxsim/paxsim/campaign"
	"github.com/paxsim/paxsim/report"
)

// maxBaselineBytes bounds a --baseline file: a summary lists every
// failing seed, and a million of them take some 200 MB.
const maxBaselineBytes = 512 << 20

// readBaseline reads --baseline FILE for cmd: the JSON summary of an
// earlier campaign of protocol (paxsim campaign --json, or paxsim merge
// --json), whose failure groups the new campaign's are labelled against.
func readBaseline(cmd, file, protocol string) (*campaign.Summary, error) {
	bad := func(format string, args ...any) error {
		return usageErrorf(cmd, "invalid value for --baseline: %s: %s", file, fmt.Sprintf(format, args...))
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, bad("%v", errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBaselineBytes+1))
	switch {
	case err != nil:
		return nil, bad("%v", err)
	case len(data) > maxBaselineBytes:
		return nil, bad("larger than %d MB: not a campaign summary", maxBaselineBytes>>20)
	}
	var r report.Shard // a shard's result is a campaign summary too
	dec := json.NewDecoder(bytes.NewReader(data))
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
