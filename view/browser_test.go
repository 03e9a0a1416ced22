package view_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium finds a Chromium to drive, or skips the test saying why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("no chromium on the PATH (Debian: apt-get install chromium): the page was not driven in a browser")
	return ""
}

// browser starts a headless Chromium; the context ends with the test.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1920, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// run runs a and returns the text it reads, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserStepForkDownload drives the page in headless Chromium: it
// opens a shrunk counterexample, steps by button and by key, goes to the
// first failure and sees the property marked broken, forks one step
// earlier with another delivery run to the end, downloads the fork's
// trace, and checks that paxsim replay replays it byte for byte. With
// PAXSIM_VIEW_SCREENSHOT=FILE it writes the README's picture there.
func TestBrowserStepForkDownload(t *testing.T) {
	ctx := browser(t, chromium(t))
	base := serve(t, violationTrace)
	next := chromedp.Click(chromedp.ID("next"))
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#pic svg")), next, next, next, chromedp.KeyEvent(kb.ArrowRight))
	if head := run(t, ctx, chromedp.Text(chromedp.ID("stephead"))); !strings.HasPrefix(head, "step 4 of") {
		t.Fatalf("after three clicks on step and one →, the page shows %q", head)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("tofail")))
	head, props := run(t, ctx, chromedp.Text(chromedp.ID("stephead"))), run(t, ctx, chromedp.Text(chromedp.ID("props")))
	if !strings.Contains(head, "first failure") || !strings.Contains(props, "agreement") || !strings.Contains(props, "broken at step") {
		t.Fatalf("at the first failure the page shows %q, properties %q", head, props)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("prev")), chromedp.Click(chromedp.ID("list")), chromedp.WaitVisible(chromedp.CSS("#actions option")))
	chosen := run(t, ctx, chromedp.Evaluate[string](`(() => { const sel = document.getElementById("actions");
		for (const o of sel.options) if (o.value !== run.frames[cur + 1].text && o.value.startsWith("deliver")) { sel.value = o.value; return o.value; }
		return ""; })()`))
	if chosen == "" {
		t.Fatal("no other delivery is listed one step before the failure")
	}
	if path := os.Getenv("PAXSIM_VIEW_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, run(t, ctx, chromedp.CaptureScreenshot()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do(t, ctx, chromedp.Click(chromedp.ID("run")))
	run(t, ctx, chromedp.Poll[bool](`document.getElementById("title").textContent.startsWith("fork")`))
	title := run(t, ctx, chromedp.Text(chromedp.ID("title")))
	text := run(t, ctx, chromedp.Evaluate[string](`fetch(document.getElementById("download").href).then((r) => r.text())`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(text, "paxsim-trace 1") || !strings.Contains(text, chosen) {
		t.Fatalf("the fork %q downloads %.300q, which does not take %q", title, text, chosen)
	}
	replayCLI(t, text)
	if again := recorded(t, text); again != text {
		t.Errorf("the downloaded trace's replay records other bytes:\n%s\nwant\n%s", again, text)
	}
}
