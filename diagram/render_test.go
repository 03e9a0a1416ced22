package diagram_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/diagram"
	"github.com/paxsim/paxsim/engine"
	"github.com/paxsim/paxsim/trace"
)

// chromium finds a headless browser: $PAXSIM_CHROMIUM, or Debian's
// chromium package on the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not starting a browser")
	}
	if p := os.Getenv("PAXSIM_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on the PATH: install Debian's chromium package (apt-get install chromium), or set PAXSIM_CHROMIUM, to check that diagrams render")
	return ""
}

// headless runs the browser on page with args and returns its output.
func headless(t *testing.T, browser, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--mute-audio", "--no-first-run"}, args...)
	cmd := exec.CommandContext(ctx, browser, append(all, "file://"+page)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
	}
	return out
}

// replayDiagram draws testdata/ignore-promised-values.trace, a shrunk
// counterexample with a dropped message and a crash added.
func replayDiagram(t *testing.T) *diagram.Diagram {
	t.Helper()
	tr, err := trace.ReadFile(filepath.Join("testdata", "ignore-promised-values.trace"))
	if err != nil {
		t.Fatal(err)
	}
	dr := &engine.Drawing{}
	res, err := builtin.Paxos().Replay(tr, engine.Options{Draw: dr})
	if err != nil || !res.Failed() {
		t.Fatalf("replay: %v, violations %v: want agreement violated", err, res.Violations)
	}
	d := dr.Diagram()
	d.Title = "diagram/testdata/ignore-promised-values.trace"
	d.Caption = append(d.Caption, "variant ignore-promised-values: the proposer proposes its own value, ignoring the values promises report", "replay: paxsim replay diagram/testdata/ignore-promised-values.trace")
	return d
}

// TestRenderInChromium renders a shrunk counterexample's page in headless
// Chromium and checks the screenshot shows a picture (not a blank or an
// error page: dark text, blue arrows, red crosses) and that hovering over
// a step fills the panel with that step's states. With PAXSIM_SCREENSHOT
// set to a path, it keeps the screenshot there, reduced to 256 colours:
// docs/render-diagram.sh makes the README's picture, docs/diagram.png, so.
// No test compares that picture: it is documentation, and Chromium's
// rendering (fonts, anti-aliasing) differs between versions and machines.
func TestRenderInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	d := replayDiagram(t)
	var page bytes.Buffer
	if err := diagram.HTML(&page, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "diagram.html")
	if err := os.WriteFile(path, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "diagram.png")
	headless(t, browser, path, "--window-size=1820,790", "--screenshot="+shot)
	checkScreenshot(t, shot)
	if keep := os.Getenv("PAXSIM_SCREENSHOT"); keep != "" {
		keepScreenshot(t, shot, keep)
	}

	// Hover: move the mouse over step 12 (replica 2's restart) on replica
	// 2's lane, then read the panel back from the DOM.
	hover := strings.Replace(page.String(), "</body>", hoverScript(12, 3)+"</body>", 1)
	hovered := filepath.Join(dir, "hover.html")
	if err := os.WriteFile(hovered, []byte(hover), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(headless(t, browser, hovered, "--window-size=1820,790", "--dump-dom"))
	panel := between(dom, `<aside id="panel">`, "</aside>")
	for _, want := range []string{
		"after step 12 of " + strconv.Itoa(len(d.Rows)) + ", t=10",
		"restart 2",
		"<tr><th>replica 1</th><td>promised 1.1, accepted (-, -)</td></tr>",
		`<tr class="hovered"><th>replica 2</th><td>promised 1.1, accepted (1.1, v1)</td></tr>`,
		"<tr><th>replica 3</th><td>promised 1.1, accepted (-, -)</td></tr>",
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("after hovering over step 12, the panel lacks %q:\n%s", want, panel)
		}
	}
}

// hoverScript moves the mouse over row (1-based) on lane once the page
// has loaded, in page coordinates the script reads from the picture.
func hoverScript(row, lane int) string {
	return `<script>
(function () {
  var svg = document.querySelector("svg.diagram"), box = svg.getBoundingClientRect();
  svg.dispatchEvent(new MouseEvent("mousemove", {bubbles: true,
    clientX: box.left + ` + strconv.Itoa(470+lane*180) + `, clientY: box.top + ` + strconv.Itoa(40+(row-1)*28+14) + `}));
})();
</script>
`
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	in, _, _ := strings.Cut(rest, to)
	return in
}

// checkScreenshot checks a screenshot is a picture of a diagram: enough
// ink, the arrows' blue, the crosses' red and the lanes' grey.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var ink, blue, red, total int
	colours := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl := rgb(img, x, y)
			total++
			colours[r<<16|g<<8|bl] = true
			if r+g+bl < 3*200 {
				ink++
			}
			if near(r, g, bl, 0x1d, 0x4e, 0xd8) {
				blue++
			}
			if near(r, g, bl, 0xdc, 0x26, 0x26) {
				red++
			}
		}
	}
	t.Logf("%s: %dx%d, %.1f%% ink, %d blue, %d red pixels, %d colours", path, b.Dx(), b.Dy(), 100*float64(ink)/float64(total), blue, red, len(colours))
	if ink*100 < total*2 || blue < 200 || red < 20 || len(colours) < 50 {
		t.Errorf("%s does not look like a diagram: %d of %d pixels inked, %d blue, %d red, %d colours", path, ink, total, blue, red, len(colours))
	}
}

// keepScreenshot writes the screenshot at from to path with 256 colours,
// a third of the bytes: the README shows it, the repository keeps it.
func keepScreenshot(t *testing.T, from, path string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var palette color.Palette
	for r := 0; r < 6; r++ { // the web-safe cube, and a ramp of greys for text
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				palette = append(palette, color.RGBA{uint8(51 * r), uint8(51 * g), uint8(51 * b), 255})
			}
		}
	}
	for i := 0; i < 40; i++ {
		v := uint8(i * 255 / 39)
		palette = append(palette, color.RGBA{v, v, v, 255})
	}
	paletted := image.NewPaletted(img.Bounds(), palette)
	draw.Draw(paletted, img.Bounds(), img, img.Bounds().Min, draw.Src)
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, paletted); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func rgb(img image.Image, x, y int) (r, g, b uint32) {
	r, g, b, _ = img.At(x, y).RGBA()
	return r >> 8, g >> 8, b >> 8
}

func near(r, g, b, R, G, B uint32) bool {
	d := func(a, b uint32) uint32 {
		if a > b {
			return a - b
		}
		return b - a
	}
	return d(r, R)+d(g, G)+d(b, B) < 40
}
