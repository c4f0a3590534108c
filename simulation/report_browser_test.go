package simulation

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReportInHeadlessChromium opens a comparison report (two runs side by
// side, with surveillance) in headless Chromium: no console message, the
// charts and tables in the DOM, and a screenshot (kept in
// $SIM_SCREENSHOTS when set).
func TestReportInHeadlessChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; skipped with -short")
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (scripts/install-chromium.sh)")
	}
	var runs []*Result
	for i, band := range []string{"1000", "2000"} {
		s, err := ParseScenario("cmp", []byte(strings.Replace(mixed, "band_bps: 1000", "band_bps: "+band, 1)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(s, Options{Seed: 3, Blocks: 30, Label: string(rune('A' + i)), Surveillance: true})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	dir := t.TempDir()
	report, err := WriteReport(dir, runs...)
	if err != nil {
		t.Fatal(err)
	}
	shots := t.TempDir()
	if d := os.Getenv("SIM_SCREENSHOTS"); d != "" {
		shots = d
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := "file://" + report
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(base, "--dump-dom", url)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") {
			t.Errorf("console message: %s", line)
		}
	}
	dom := stdout.String()
	if n := strings.Count(dom, "<svg"); n < 6 {
		t.Errorf("%d charts in the DOM, want 6", n)
	}
	for _, want := range []string{"A last trade", "B last trade", "Refusals by reason", "Surveillance A", "Summary"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	shot := filepath.Join(shots, "report.png")
	out, err := exec.CommandContext(ctx, bin, append(base, "--window-size=1100,2400", "--screenshot="+shot, url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
}
