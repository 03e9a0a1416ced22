package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/paxsim/paxsim/campaign"
)

// FuzzShardResults reads shard results (paxsim campaign --shard I/M
// --json, what paxsim merge reads): no input panics, and each gets either
// an input error that names the file or shard reports that read back the
// same once written as a shard writes them; those that read are then
// checked as the parts of one campaign and merged (without --out), which
// must not panic either. The seed corpus is the files in
// testdata/fuzz/FuzzShardResults: the results of real shards, with and
// without failures, and hand-edited ones. To fuzz:
//
//	go test -run '^$' -fuzz FuzzShardResults -fuzztime 1m ./cli
func FuzzShardResults(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		shards, err := parseShardResults(data, "shard.jsonl")
		if err != nil {
			if e, ok := err.(*exitError); !ok || e.code != exitUsage || !strings.Contains(e.msg, "shard.jsonl") {
				t.Fatalf("error %v (%T): want an input error naming the file", err, err)
			}
			return
		}
		var text bytes.Buffer
		enc := json.NewEncoder(&text)
		enc.SetEscapeHTML(false)
		for i := range shards {
			if err := enc.Encode(shards[i].report); err != nil {
				t.Fatalf("a shard result read does not write: %v", err)
			}
		}
		again, err := parseShardResults(text.Bytes(), "shard.jsonl")
		if err != nil {
			t.Fatalf("the shard results as written do not read back: %v\n%s", err, text.String())
		}
		if !reflect.DeepEqual(again, shards) {
			t.Fatalf("the shard results changed when written and read back:\n%s", text.String())
		}
		if testInvocation.checkShards(shards) != nil {
			return
		}
		parts := make([]campaign.Summary, len(shards))
		for i := range shards {
			parts[i] = shards[i].report.Summary
		}
		campaign.MergeSummaries(parts, campaign.MergeOptions{MaxShrinks: shards[0].report.Shard.MaxShrinks})
	})
}
