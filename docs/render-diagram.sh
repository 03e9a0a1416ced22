#!/bin/sh
# render-diagram.sh: check that space-time diagrams render in headless
# Chromium, and make the README's picture, docs/diagram.png, from the
# screenshot. The picture is documentation: no test compares it (Chromium's
# rendering differs between versions), so rerun this when the diagrams'
# look changes.
#
#   sh docs/render-diagram.sh            # from the repository's root
#
# It needs Debian's chromium package (apt-get install chromium), or
# PAXSIM_CHROMIUM=/path/to/chrome. TestRenderInChromium does the work, and
# runs on every "go test ./diagram" where a chromium is found (it skips,
# saying so, where none is): it replays diagram/testdata/
# ignore-promised-values.trace, writes its page, screenshots it with
#
#   chromium --headless --disable-gpu --no-sandbox --hide-scrollbars \
#       --window-size=1820,790 --screenshot=diagram.png file://.../diagram.html
#
# checks that the screenshot is a picture (ink, the arrows' blue, the
# crosses' red, many colours; not a blank or an error page), then moves the
# mouse over a step (--dump-dom) and checks the panel shows every replica's
# state after it. PAXSIM_SCREENSHOT=docs/diagram.png keeps the screenshot
# there, reduced to 256 colours.
#
# With MERMAID_JS=/path/to/mermaid.min.js (from the npm package mermaid),
# it also renders diagram/testdata/small.mmd with Mermaid itself in the browser and
# fails on a syntax error.
set -eu
cd "$(dirname "$0")/.."
PAXSIM_SCREENSHOT="$PWD/docs/diagram.png" go test ./diagram -run 'TestRenderInChromium' -count=1 -v
echo "wrote docs/diagram.png ($(wc -c < docs/diagram.png) bytes)"

if [ -n "${MERMAID_JS:-}" ]; then
	browser=${PAXSIM_CHROMIUM:-chromium}
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><script src="file://%s"></script></head><body>\n' "$MERMAID_JS"
		printf '<pre id="src">'
		sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' diagram/testdata/small.mmd
		printf '</pre><pre id="status">pending</pre>\n<script>\n'
		printf 'mermaid.initialize({startOnLoad: false});\n'
		printf 'var src = document.getElementById("src").textContent;\n'
		printf 'mermaid.render("d", src).then(function () { document.getElementById("status").textContent = "RENDERED"; })'
		printf '.catch(function (e) { document.getElementById("status").textContent = "ERROR " + e; });\n'
		printf '</script></body></html>\n'
	} > "$dir/mermaid.html"
	status=$("$browser" --headless --disable-gpu --no-sandbox --allow-file-access-from-files \
		--virtual-time-budget=10000 --dump-dom "file://$dir/mermaid.html" 2>/dev/null |
		sed -n 's/.*<pre id="status">\([^<]*\)<.*/\1/p')
	echo "mermaid: $status"
	[ "$status" = RENDERED ]
fi
