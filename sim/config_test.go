package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Range
		wantErr string
	}{
		{in: "0", want: Range{0, 0}},
		{in: "7", want: Range{7, 7}},
		{in: "0-5", want: Range{0, 5}},
		{in: "20-200", want: Range{20, 200}},
		{in: "3-3", want: Range{3, 3}},
		{in: "", wantErr: "not N or MIN-MAX"},
		{in: "x", wantErr: "not N or MIN-MAX"},
		{in: "1-", wantErr: "not N or MIN-MAX"},
		{in: "-1", wantErr: "not N or MIN-MAX"},
		{in: "1-2-3", wantErr: "not N or MIN-MAX"},
		{in: "1 - 2", wantErr: "not N or MIN-MAX"},
		{in: "5-3", wantErr: "want 0 <= MIN <= MAX"},
		{in: "99999999999999999999", wantErr: "not N or MIN-MAX"},
	} {
		got, err := ParseRange(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseRange(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseRange(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			continue
		}
		if back, err := ParseRange(got.String()); err != nil || back != got {
			t.Errorf("ParseRange(%q).String() = %q does not parse back: %v, %v", tc.in, got.String(), back, err)
		}
	}
}

func TestParseDelay(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Delay
		str     string // canonical String(); "" means in
		wantErr string
	}{
		{in: "1", want: Delay{Uniform, 1, 1}},
		{in: "1-10", want: Delay{Uniform, 1, 10}},
		{in: "uniform:2-3", want: Delay{Uniform, 2, 3}, str: "2-3"},
		{in: "uniform:4", want: Delay{Uniform, 4, 4}, str: "4"},
		{in: "tail:1-10", want: Delay{LongTail, 1, 10}},
		{in: "tail:5", want: Delay{LongTail, 5, 5}},
		{in: "", wantErr: "not N or MIN-MAX"},
		{in: "0", wantErr: "at least 1 tick"},
		{in: "0-10", wantErr: "at least 1 tick"},
		{in: "tail:0-3", wantErr: "at least 1 tick"},
		{in: "10-1", wantErr: "MIN <= MAX"},
		{in: "gauss:1-2", wantErr: `unknown delay distribution "gauss"`},
		{in: "Tail:1-2", wantErr: "unknown delay distribution"},
		{in: "tail:", wantErr: "not N or MIN-MAX"},
		{in: "tail:x", wantErr: "not N or MIN-MAX"},
		{in: "1-2-3", wantErr: "not N or MIN-MAX"},
	} {
		got, err := ParseDelay(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseDelay(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseDelay(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		str := tc.str
		if str == "" {
			str = tc.in
		}
		if got.String() != str {
			t.Errorf("ParseDelay(%q).String() = %q, want %q", tc.in, got.String(), str)
		}
		if back, err := ParseDelay(got.String()); err != nil || back != got {
			t.Errorf("ParseDelay(%q) does not round-trip: %+v, %v", got.String(), back, err)
		}
	}
}

func nodeSet(ids ...int) uint64 {
	var m uint64
	for _, id := range ids {
		m |= 1 << uint(id)
	}
	return m
}

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    ScheduledFault
		wantErr string
	}{
		{in: "crash:2@100-400", want: ScheduledFault{Kind: FaultCrash, Nodes: nodeSet(2), Start: 100, End: 400}},
		{in: "crash:1,3@0", want: ScheduledFault{Kind: FaultCrash, Nodes: nodeSet(1, 3), Start: 0}},
		{in: "partition:1,2@50-300", want: ScheduledFault{Kind: FaultPartition, Nodes: nodeSet(1, 2), Start: 50, End: 300}},
		{in: "partition:1@10-50", want: ScheduledFault{Kind: FaultPartition, Nodes: nodeSet(1), Start: 10, End: 50}},
		{in: "oneway:3@50-300", want: ScheduledFault{Kind: FaultOneWay, Nodes: nodeSet(3), Start: 50, End: 300}},
		{in: "slow:1x4@0-200", want: ScheduledFault{Kind: FaultSlow, Nodes: nodeSet(1), Start: 0, End: 200, Factor: 4}},
		{in: "slow:2,5x2@7", want: ScheduledFault{Kind: FaultSlow, Nodes: nodeSet(2, 5), Start: 7, Factor: 2}},
		{in: "pause:2@10-90", want: ScheduledFault{Kind: FaultPause, Nodes: nodeSet(2), Start: 10, End: 90}},
		{in: "pause:63@1-2", want: ScheduledFault{Kind: FaultPause, Nodes: nodeSet(63), Start: 1, End: 2}},

		{in: "", wantErr: "want KIND:NODES@START[-END]"},
		{in: "crash2@1", wantErr: "want KIND:NODES@START[-END]"},
		{in: "boom:1@1", wantErr: `unknown kind "boom"`},
		{in: "drop:1@1", wantErr: `unknown kind "drop"`},
		{in: "crash:1", wantErr: "missing @START"},
		{in: "crash:@1", wantErr: "is not a node id"},
		{in: "crash:0@1", wantErr: `"0" is not a node id`},
		{in: "crash:64@1", wantErr: `"64" is not a node id`},
		{in: "crash:1,,2@1", wantErr: "is not a node id"},
		{in: "crash:a@1", wantErr: "is not a node id"},
		{in: "crash:1@", wantErr: "is not a tick count"},
		{in: "crash:1@x", wantErr: "is not a tick count"},
		{in: "crash:1@-5", wantErr: "is not a tick count"},
		{in: "crash:1@10-", wantErr: "after the start"},
		{in: "crash:1@10-10", wantErr: "after the start"},
		{in: "crash:1@10-5", wantErr: "after the start"},
		{in: "slow:1@0-10", wantErr: "FACTOR >= 2"},
		{in: "slow:1x1@0-10", wantErr: "FACTOR >= 2"},
		{in: "slow:1x@0-10", wantErr: "FACTOR >= 2"},
		{in: "slow:1xz@0-10", wantErr: "FACTOR >= 2"},
	} {
		got, err := ParseFault(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseFault(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.in {
			t.Errorf("ParseFault(%q).String() = %q, want the input back", tc.in, got.String())
		}
	}
}

func TestParseFormatNodes(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    uint64
		format  string // canonical FormatNodes; "" means in
		wantErr string
	}{
		{in: "1", want: nodeSet(1)},
		{in: "1,2,3", want: nodeSet(1, 2, 3)},
		{in: "3,1", want: nodeSet(1, 3), format: "1,3"},
		{in: "2,2", want: nodeSet(2), format: "2"},
		{in: "1,63", want: nodeSet(1, 63)},
		{in: "", wantErr: `"" is not a node id`},
		{in: "0", wantErr: `"0" is not a node id (1..63)`},
		{in: "64", wantErr: `"64" is not a node id`},
		{in: "-1", wantErr: `"-1" is not a node id`},
		{in: "1,", wantErr: `"" is not a node id`},
		{in: "1, 2", wantErr: `" 2" is not a node id`},
		{in: "one", wantErr: `"one" is not a node id`},
	} {
		got, err := ParseNodes(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseNodes(%q) = %#x, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseNodes(%q) = %#x, %v; want %#x", tc.in, got, err, tc.want)
			continue
		}
		format := tc.format
		if format == "" {
			format = tc.in
		}
		if s := FormatNodes(got); s != format {
			t.Errorf("FormatNodes(%#x) = %q, want %q", got, s, format)
		}
	}
	if s := FormatNodes(0); s != "" {
		t.Errorf("FormatNodes(0) = %q, want empty", s)
	}

	// Every nonempty set of node ids survives a round trip.
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		mask := rng.Uint64() &^ 1 >> uint(rng.IntN(64)) &^ 1
		if mask == 0 {
			continue
		}
		got, err := ParseNodes(FormatNodes(mask))
		if err != nil || got != mask {
			t.Fatalf("ParseNodes(FormatNodes(%#x) = %q) = %#x, %v", mask, FormatNodes(mask), got, err)
		}
	}
}

// TestValidate checks that a good config passes and that each bad knob is
// rejected with a message that names it.
func TestValidate(t *testing.T) {
	good := func() Config { return faultyConfig(3) }
	if err := good().Validate(); err != nil {
		t.Fatalf("faultyConfig(3).Validate() = %v", err)
	}
	for _, c := range []Config{
		{Nodes: 1},
		{Nodes: MaxNodes},
		{Nodes: 5, Network: NetworkConfig{DropRate: 1, DupRate: 0, RedeliverRate: 1}},
		{Nodes: 5, Network: NetworkConfig{LinkCapacity: 1}},
		{Nodes: 5, Network: NetworkConfig{LinkCapacity: MaxLinkCapacity}},
		{Nodes: 5, Faults: FaultConfig{MaxCrashed: 5, SlowFactorMax: 2}},
		{Nodes: MaxNodes, Faults: FaultConfig{Schedule: []ScheduledFault{{Kind: FaultPartition, Nodes: nodeSet(1, 63), Start: 1}}}},
		pingConfig(t, 3, 2, "crash:1,2,3@5", "pause:3@1-2", "slow:2x3@0", "partition:1,2@4-5", "oneway:3@2"),
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", c, err)
		}
	}

	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string // the error names the knob
	}{
		{"zero nodes", func(c *Config) { c.Nodes = 0 }, "nodes must be between 1 and 63, not 0"},
		{"negative nodes", func(c *Config) { c.Nodes = -1 }, "nodes must be between"},
		{"too many nodes", func(c *Config) { c.Nodes = MaxNodes + 1 }, "not 64"},
		{"drop rate high", func(c *Config) { c.Network.DropRate = 1.5 }, "drop rate must be a probability in [0, 1], not 1.5"},
		{"drop rate negative", func(c *Config) { c.Network.DropRate = -0.1 }, "drop rate"},
		{"drop rate NaN", func(c *Config) { c.Network.DropRate = math.NaN() }, "drop rate"},
		{"dup rate", func(c *Config) { c.Network.DupRate = 2 }, "dup rate"},
		{"redeliver rate", func(c *Config) { c.Network.RedeliverRate = math.Inf(1) }, "redeliver rate"},
		{"crash rate", func(c *Config) { c.Faults.CrashRate = -1 }, "crash rate"},
		{"torn-crash rate", func(c *Config) { c.Faults.TornCrashRate = 1.5 }, "torn-crash rate"},
		{"lose-unsynced rate", func(c *Config) { c.Faults.LoseUnsyncedRate = -0.1 }, "lose-unsynced rate"},
		{"partition rate", func(c *Config) { c.Faults.PartitionRate = 1.01 }, "partition rate"},
		{"slow rate", func(c *Config) { c.Faults.SlowRate = math.NaN() }, "slow rate"},
		{"delay min zero", func(c *Config) { c.Network.Delay = Delay{Min: 0, Max: 5} }, "delay"},
		{"delay min above max", func(c *Config) { c.Network.Delay = Delay{Min: 6, Max: 5} }, "delay"},
		{"delay negative", func(c *Config) { c.Network.Delay = Delay{Min: -3, Max: 5} }, "delay"},
		{"link capacity negative", func(c *Config) { c.Network.LinkCapacity = -1 }, "link capacity must be between 1 and 1048576 messages (0: 4096), not -1"},
		{"link capacity huge", func(c *Config) { c.Network.LinkCapacity = MaxLinkCapacity + 1 }, "link capacity"},
		{"fifo in a set network", func(c *Config) {
			c.Network.FIFO, c.Mode, c.Choice.Network = true, Choice, SentSet
		}, "FIFO links need a multiset network"},
		{"interval", func(c *Config) { c.Faults.Interval = -1 }, "fault interval"},
		{"heal", func(c *Config) { c.HealAt = -1 }, "heal time"},
		{"max crashed negative", func(c *Config) { c.Faults.MaxCrashed = -1 }, "max crashed"},
		{"max crashed above nodes", func(c *Config) { c.Faults.MaxCrashed = 4 }, "max crashed must be between 0 and 3, not 4"},
		{"slow factor max", func(c *Config) { c.Faults.SlowFactorMax = 1 }, "slow factor max"},
		{"slow factor max negative", func(c *Config) { c.Faults.SlowFactorMax = -2 }, "slow factor max"},
		{"scheduled node outside", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultCrash, Nodes: nodeSet(4), Start: 1}}
		}, "fault crash:4@1 names a node outside 1..3"},
		{"scheduled node zero", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultCrash, Nodes: 1, Start: 1}}
		}, "names a node outside"},
		{"scheduled no nodes", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultPause, Start: 1}}
		}, "names a node outside"},
		{"partition of everyone", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultPartition, Nodes: nodeSet(1, 2, 3), Start: 1}}
		}, "partition needs two sides"},
		{"one-way of everyone", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultOneWay, Nodes: nodeSet(1, 2, 3), Start: 1}}
		}, "partition needs two sides"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if _, err := New(c, NewRandom(1), newToy(&toyOpts{}), nil); err == nil {
				t.Fatalf("New accepted a config that Validate rejects")
			}
		})
	}
}

// TestValidateUncheckedKnobs lists knobs that Validate lets through although
// they break a run: inverted or negative ranges make Random's IntN panic or
// time run backwards, a slow factor below 2 built without ParseFault makes
// delays and timers zero (or negative), and an unknown scheduled fault kind
// is silently ignored.
func TestValidateUncheckedKnobs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"downtime inverted", func(c *Config) { c.Faults.Downtime = Range{50, 10} }, "downtime"},
		{"downtime negative", func(c *Config) { c.Faults.Downtime = Range{-10, 10} }, "downtime"},
		{"partition length inverted", func(c *Config) { c.Faults.PartitionLength = Range{50, 10} }, "partition length"},
		{"slow length negative", func(c *Config) { c.Faults.SlowLength = Range{-5, 5} }, "slow length"},
		{"scheduled slow factor 0", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultSlow, Nodes: nodeSet(1), Start: 1, End: 9}}
		}, "factor"},
		{"scheduled slow factor negative", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultSlow, Nodes: nodeSet(1), Start: 1, End: 9, Factor: -3}}
		}, "factor"},
		{"scheduled kind drop", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultDrop, Nodes: nodeSet(1), Start: 1}}
		}, "kind"},
		{"scheduled end before start", func(c *Config) {
			c.Faults.Schedule = []ScheduledFault{{Kind: FaultCrash, Nodes: nodeSet(1), Start: 10, End: 5}}
		}, "end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := faultyConfig(3)
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestDefaults checks the defaults a World fills in, and that explicit
// values are kept.
func TestDefaults(t *testing.T) {
	w := newToyWorld(t, Config{Nodes: 5}, NewRandom(1), &toyOpts{}, nil)
	got := w.Config()
	want := Config{Nodes: 5}
	want.Network.Delay = Delay{Min: 1, Max: 10}
	want.Network.LinkCapacity = DefaultLinkCapacity
	want.Network.LongDelay = DefaultLongDelay
	want.Faults = FaultConfig{
		Interval: 10, MaxCrashed: 2, Downtime: Range{20, 200},
		PartitionLength: Range{20, 300}, SlowLength: Range{20, 200}, SlowFactorMax: 8,
	}
	if got.Network != want.Network || got.HealAt != want.HealAt || got.Nodes != want.Nodes ||
		got.Faults.Interval != want.Faults.Interval || got.Faults.MaxCrashed != want.Faults.MaxCrashed ||
		got.Faults.Downtime != want.Faults.Downtime || got.Faults.PartitionLength != want.Faults.PartitionLength ||
		got.Faults.SlowLength != want.Faults.SlowLength || got.Faults.SlowFactorMax != want.Faults.SlowFactorMax {
		t.Errorf("Config() = %+v, want %+v", got, want)
	}
	if w.Nodes() != 5 {
		t.Errorf("Nodes() = %d", w.Nodes())
	}

	explicit := Config{
		Nodes:   4,
		Network: NetworkConfig{Delay: Delay{LongTail, 3, 7}, LinkCapacity: 9, LongDelay: Range{11, 12}},
		Faults: FaultConfig{
			Interval: 4, MaxCrashed: 3, Downtime: Range{1, 2},
			PartitionLength: Range{5, 6}, SlowLength: Range{7, 8}, SlowFactorMax: 3,
		},
		HealAt: 99,
	}
	got = newToyWorld(t, explicit, NewRandom(1), &toyOpts{}, nil).Config()
	if got.Network != explicit.Network || got.Faults.Interval != 4 || got.Faults.MaxCrashed != 3 ||
		got.Faults.Downtime != explicit.Faults.Downtime || got.Faults.PartitionLength != explicit.Faults.PartitionLength ||
		got.Faults.SlowLength != explicit.Faults.SlowLength || got.Faults.SlowFactorMax != 3 || got.HealAt != 99 {
		t.Errorf("Config() = %+v, want the explicit %+v", got, explicit)
	}
}

func TestNames(t *testing.T) {
	wantFaults := []string{"drop", "dup", "redeliver", "partition", "partition-oneway", "partition-drop",
		"crash", "restart", "lost-at-crashed", "slow", "pause", "overflow", "torn-crash", "lost-unsynced",
		"long-delay", "depose", "lag", "outlive"}
	if len(wantFaults) != int(NumFaultKinds) {
		t.Fatalf("%d fault kinds, the test knows %d", NumFaultKinds, len(wantFaults))
	}
	for k, name := range wantFaults {
		if got := FaultKind(k).String(); got != name {
			t.Errorf("FaultKind(%d) = %q, want %q", k, got, name)
		}
	}
	if got := NumFaultKinds.String(); got != "fault(18)" {
		t.Errorf("NumFaultKinds.String() = %q", got)
	}
	for k := EventKind(1); k < numEventKinds; k++ {
		if s := k.String(); s == "" || strings.HasPrefix(s, "event(") {
			t.Errorf("EventKind(%d) has no name", k)
		}
	}
	for k := DecisionKind(1); k < numDecisionKinds; k++ {
		if s := k.String(); s == "" || strings.HasPrefix(s, "decision(") {
			t.Errorf("DecisionKind(%d) has no name", k)
		}
	}
	for _, tc := range []struct{ got, want string }{
		{EventKind(0).String(), "event(0)"},
		{DecisionKind(0).String(), "decision(0)"},
		{External.String(), "client"},
		{NodeID(3).String(), "3"},
		{Decision{Kind: DecideDelay, Node: 1, Peer: 2}.String(), "delay 1->2"},
		{Decision{Kind: DecideCrash, Node: 4}.String(), "crash 4"},
		{Decision{Kind: DecidePartition}.String(), "partition"},
		{Taken{Decision: Decision{Kind: DecideDrop, Node: 1, Peer: 2}, Value: 1}.String(), "drop 1->2 = true"},
		{Taken{Decision: Decision{Kind: DecideJitter, Node: 2}, N: 10, Value: 7}.String(), "jitter 2 = 7/10"},
		{TraceEntry{Index: 3, Time: 12, Kind: "deliver", From: 1, To: 2, Msg: "m"}.String(), "t=12 #3 deliver 1->2 m"},
		{TraceEntry{Index: 4, Time: 13, Kind: "timer", From: 2, To: 2, Msg: "tag 0"}.String(), "t=13 #4 timer 2 tag 0"},
		{TraceEntry{Index: 5, Time: 14, Kind: "heal"}.String(), "t=14 #5 heal"},
		{TraceEntry{Time: 1, Kind: "request", From: External, To: 1, Msg: "put"}.String(), "t=1 #0 request client->1 put"},
		{ScheduledFault{Kind: FaultSlow, Nodes: nodeSet(1, 2), Start: 3, Factor: 5}.String(), "slow:1,2x5@3"},
		{Delay{LongTail, 2, 9}.String(), "tail:2-9"},
		{Range{4, 4}.String(), "4"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
