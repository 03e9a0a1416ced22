#!/usr/bin/env bash
# Regenerates the reproducer fixtures and the transcripts after a change
# that alters runs (the protocol, the simulator's decisions): it finds the
# first failing seed of the ignore-promised-values campaign of the default
# config (--swarm=false), writes its
# reproducer and two stale copies, and rewrites the transcripts.
# Run from the repository root: bash cli/testdata/regen.sh
set -euo pipefail
td=cli/testdata
out=$(mktemp -d)
go run ./cmd/paxsim campaign --seeds 300 --swarm=false --variant ignore-promised-values --workers 1 --no-shrink --out "$out" >/dev/null || true
first=$(cd "$out" && ls */seed-*.json | sed -n 's|^.*/seed-\([0-9]*\)\.json$|\1|p' | sort -n | head -1)
[ -n "$first" ] || { echo "no failing seed found"; exit 1; }
git rm -q --ignore-unmatch "$td"/reproducer-seed-*.json
cp "$out"/*/"seed-$first.json" "$td/reproducer-seed-$first.json"
python3 - "$td" "$first" <<'PY'
import json, sys
td, seed = sys.argv[1], sys.argv[2]
r = json.load(open(f"{td}/reproducer-seed-{seed}.json"))
for name, key, val in [("stale-hash", "trace_hash", "0123456789abcdef"), ("stale-property", "property", "validity")]:
    d = dict(r); d[key] = val
    with open(f"{td}/{name}.json", "w") as f:
        json.dump(d, f, indent=2); f.write("\n")
PY
sed -i -E "s/reproducer-seed-[0-9]+/reproducer-seed-$first/g" "$td"/*.txt cli/*_test.go
go test ./cli -run TestTranscripts -update >/dev/null 2>&1 || true
go test ./cli -run TestTranscripts
echo "fixtures now use seed $first"
