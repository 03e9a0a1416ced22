#!/bin/sh
# render.sh draws the page TestExplain writes (an illegal history with its
# faults) with headless Chromium, to look at what Explain produces:
#
#   apt-get update && apt-get install -y chromium   # Debian, once
#   sh checker/linearize/testdata/render.sh [OUT_DIR]   # from the module root
#
# It leaves OUT_DIR/split-brain.html and OUT_DIR/split-brain.png (OUT_DIR
# defaults to /tmp/linearize). Do not commit the PNG.
set -eu
out=${1:-/tmp/linearize}
mkdir -p "$out"
out=$(cd "$out" && pwd)
LINEARIZE_HTML_DIR=$out go test -count=1 -run '^TestExplain$' ./checker/linearize/
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--hide-scrollbars --window-size=1400,520 \
	--screenshot="$out/split-brain.png" "file://$out/split-brain.html"
echo "wrote $out/split-brain.html and $out/split-brain.png"
