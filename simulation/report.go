package simulation

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// JSON is the result as indented JSON (map keys sorted: deterministic).
func (r *Result) JSON() ([]byte, error) {
	bz, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return nil, err
	}
	return append(bz, '\n'), nil
}

var csvHeader = []string{"height", "time", "fundamental", "oracle", "last_price", "vwap", "high", "low", "volume", "notional",
	"fills", "best_bid", "best_ask", "spread_bps", "bid_depth", "ask_depth", "volatility_bps", "txs", "tx_failed",
	"placed", "cancelled", "refusals", "status", "halted", "halt_events", "band_cuts", "invariants", "alerts"}

// CSV is the per-block metrics as CSV; refusals are "reason=n" pairs
// joined by "; ", sorted by reason.
func (r *Result) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	i64 := func(v int64) string { return strconv.FormatInt(v, 10) }
	u64 := func(v uint64) string { return strconv.FormatUint(v, 10) }
	for _, b := range r.Blocks {
		var refusals []string
		for _, k := range sortedKeys(b.Refusals) {
			refusals = append(refusals, fmt.Sprintf("%s=%d", k, b.Refusals[k]))
		}
		row := []string{i64(b.Height), b.Time, i64(b.Fundamental), i64(b.Oracle), i64(b.LastPrice), i64(b.VWAP), i64(b.High),
			i64(b.Low), u64(b.Volume), u64(b.Notional), strconv.Itoa(b.Fills), i64(b.BestBid), i64(b.BestAsk), i64(b.SpreadBps),
			u64(b.BidDepth), u64(b.AskDepth), i64(b.VolatilityBps), strconv.Itoa(b.Txs), strconv.Itoa(b.TxFailed),
			strconv.Itoa(b.Placed), strconv.Itoa(b.Cancelled), strings.Join(refusals, "; "), b.Status,
			strconv.FormatBool(b.Halted), strconv.Itoa(b.HaltEvents), strconv.Itoa(b.BandCuts), b.Invariants, strconv.Itoa(b.Alerts)}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// WriteReport writes the run(s) to dir: for each run metrics[-LABEL].csv
// and result[-LABEL].json, and one report.html (side by side when there are
// two runs). It returns the report's path.
func WriteReport(dir string, runs ...*Result) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, r := range runs {
		suffix := ""
		if len(runs) > 1 {
			suffix = "-" + r.Label
		}
		c, err := r.CSV()
		if err != nil {
			return "", err
		}
		j, err := r.JSON()
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "metrics"+suffix+".csv"), c, 0o644); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "result"+suffix+".json"), j, 0o644); err != nil {
			return "", err
		}
	}
	p := filepath.Join(dir, "report.html")
	return p, os.WriteFile(p, HTML(runs...), 0o644)
}

// chart geometry
const (
	chartW, chartH = 900, 220
	padL, padR     = 64, 16
	padT, padB     = 24, 28
)

type series struct {
	name   string
	color  string
	dashed bool
	vals   []int64 // one per block; gaps where gap(v)
	bars   bool
}

// svgChart draws series over the blocks of runs[0] (heights), shading
// blocks where shade is true. Integer geometry only.
func svgChart(title, unit string, heights []int64, shade []bool, ss []series, skipZero bool) string {
	var b strings.Builder
	n := len(heights)
	lo, hi := int64(0), int64(0)
	first := true
	for _, s := range ss {
		for _, v := range s.vals {
			if skipZero && v == 0 {
				continue
			}
			if first || v < lo {
				lo = v
			}
			if first || v > hi {
				hi = v
			}
			first = false
		}
	}
	if !skipZero || lo > 0 && lo*10 < hi {
		lo = min(lo, 0)
	}
	if hi == lo {
		hi = lo + 1
	}
	pad := (hi - lo) / 20
	if skipZero {
		lo -= pad
	}
	hi += pad
	pw, ph := int64(chartW-padL-padR), int64(chartH-padT-padB)
	x := func(i int) int64 {
		if n <= 1 {
			return padL
		}
		return padL + int64(i)*pw/int64(n-1)
	}
	y := func(v int64) int64 { return padT + ph - (v-lo)*ph/(hi-lo) }
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		chartW, chartH, chartW, chartH, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#fff"/>`, chartW, chartH)
	for i := 0; i < n; i++ {
		if i < len(shade) && shade[i] {
			w := max(x(min(i+1, n-1))-x(i), 2)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#f8d7da"/>`, x(i), padT, w, ph)
		}
	}
	for k := int64(0); k <= 4; k++ {
		v := lo + (hi-lo)*k/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#e5e5e5"/>`, padL, chartW-padR, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#555">%d</text>`, padL-6, y(v)+4, v)
	}
	if n > 0 {
		for _, k := range []int{0, n / 2, n - 1} {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#555">%d</text>`, x(k), chartH-8, heights[k])
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="13" font-weight="bold">%s</text>`, padL, html.EscapeString(title+" ("+unit+")"))
	lx := int64(chartW - padR)
	for si := len(ss) - 1; si >= 0; si-- {
		s := ss[si]
		lx -= int64(len(s.name))*7 + 28
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="5,3"`
		}
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="12" y2="12" stroke="%s" stroke-width="2"%s/><text x="%d" y="16" font-size="11">%s</text>`,
			lx, lx+16, s.color, dash, lx+20, html.EscapeString(s.name))
	}
	for _, s := range ss {
		if s.bars {
			bw := max(pw/int64(max(n, 1))-1, 1)
			for i, v := range s.vals {
				if v == 0 {
					continue
				}
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" fill-opacity="0.6"/>`, x(i)-bw/2, y(v), bw, y(lo)-y(v), s.color)
			}
			continue
		}
		var pts []string
		flush := func() {
			if len(pts) > 0 {
				dash := ""
				if s.dashed {
					dash = ` stroke-dasharray="5,3"`
				}
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`, s.color, dash, strings.Join(pts, " "))
				pts = pts[:0]
			}
		}
		for i, v := range s.vals {
			if skipZero && v == 0 {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%d,%d", x(i), y(v)))
		}
		flush()
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func col(rs []*Result, f func(b BlockMetrics) int64) [][]int64 {
	out := make([][]int64, len(rs))
	for i, r := range rs {
		for _, b := range r.Blocks {
			out[i] = append(out[i], f(b))
		}
	}
	return out
}

// HTML renders a self-contained report (inline CSS and SVG, no script, no
// external resource) for one run, or two runs side by side.
func HTML(runs ...*Result) []byte {
	var b strings.Builder
	r0 := runs[0]
	title := "ClearChain simulation: " + r0.Scenario
	if len(runs) == 2 {
		title = fmt.Sprintf("ClearChain simulation: %s vs %s", runs[0].Scenario, runs[1].Scenario)
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) + "</title>\n")
	b.WriteString(`<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}h2{margin-top:28px;border-bottom:1px solid #ddd}
.bad{color:#b00020;font-weight:bold}.ok{color:#137333;font-weight:bold}.note{color:#555;font-size:13px}</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(title))
	for _, r := range runs {
		lab := ""
		if r.Label != "" {
			lab = "<b>" + html.EscapeString(r.Label) + "</b>: "
		}
		desc := ""
		if r.scn != nil {
			desc = r.scn.Description
		}
		fmt.Fprintf(&b, "<p>%s<b>%s</b> — seed %d, %d blocks, final app hash <code>%s</code>. %s</p>\n",
			lab, html.EscapeString(r.Scenario), r.Seed, len(r.Blocks), r.AppHash, html.EscapeString(desc))
	}
	b.WriteString(`<p class="note">The real ClearChain app ran in-process, block by block through FinalizeBlock and Commit, with simulated block times; prices in ticks, quantities in lots. Shaded blocks: market halted or cancel-only (in any of the runs).</p>`)

	// Summary table.
	b.WriteString("<h2>Summary</h2><table><tr><th class=l>metric</th>")
	for _, r := range runs {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(orDefault(r.Label, r.Scenario)))
	}
	b.WriteString("</tr>\n")
	row := func(name string, f func(s Summary) string) {
		fmt.Fprintf(&b, "<tr><td class=l>%s</td>", html.EscapeString(name))
		for _, r := range runs {
			fmt.Fprintf(&b, "<td>%s</td>", f(r.Summary))
		}
		b.WriteString("</tr>\n")
	}
	d := func(v int64) string { return strconv.FormatInt(v, 10) }
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	row("invariants", func(s Summary) string {
		if s.InvariantsOK {
			return `<span class="ok">all hold</span>`
		}
		return `<span class="bad">BROKEN: ` + html.EscapeString(strings.Join(s.BrokenInvariants, "; ")) + `</span>`
	})
	row("market traded", func(s Summary) string { return strconv.FormatUint(s.MarketID, 10) })
	row("blocks", func(s Summary) string { return strconv.Itoa(s.Blocks) })
	row("volume (lots)", func(s Summary) string { return u(s.Volume) })
	row("notional (quote units)", func(s Summary) string { return u(s.Notional) })
	row("fills", func(s Summary) string { return strconv.Itoa(s.Fills) })
	row("txs / failed", func(s Summary) string { return fmt.Sprintf("%d / %d", s.Txs, s.TxFailed) })
	row("mean / max spread (bps)", func(s Summary) string { return fmt.Sprintf("%d / %d", s.MeanSpreadBps, s.MaxSpreadBps) })
	row("blocks with a one-sided book", func(s Summary) string { return strconv.Itoa(s.OneSidedBlocks) })
	row("mean depth bid / ask (lots)", func(s Summary) string { return fmt.Sprintf("%d / %d", s.MeanBidDepth, s.MeanAskDepth) })
	row("max realised volatility (bps)", func(s Summary) string { return d(s.MaxVolatilityBps) })
	row("trade price min / max (ticks)", func(s Summary) string { return fmt.Sprintf("%d / %d", s.MinPrice, s.MaxPrice) })
	row("max trade vs fundamental (bps)", func(s Summary) string { return d(s.MaxDeviationBps) })
	row("halted blocks / breaker halts", func(s Summary) string { return fmt.Sprintf("%d / %d", s.HaltedBlocks, s.HaltEvents) })
	row("takers cut at the band", func(s Summary) string { return strconv.Itoa(s.BandCuts) })
	row("blocks without a fresh oracle price", func(s Summary) string { return strconv.Itoa(s.StaleOracleBlocks) })
	row("surveillance alerts", func(s Summary) string { return strconv.Itoa(s.Alerts) })
	if runs[0].Summary.LicencesBought > 0 {
		row("data licences bought (data-asset contract)", func(s Summary) string { return strconv.Itoa(s.LicencesBought) })
	}
	b.WriteString("</table>\n")

	// Charts.
	heights := []int64{}
	for _, bl := range r0.Blocks {
		heights = append(heights, bl.Height)
	}
	// Shaded: halted in any run.
	shade := make([]bool, len(r0.Blocks))
	for _, r := range runs {
		for i, bl := range r.Blocks {
			if i < len(shade) && bl.Halted {
				shade[i] = true
			}
		}
	}
	colors := [][]string{{"#1a73e8", "#e8710a", "#888"}, {"#7b1fa2", "#188038", "#bbb"}}
	lbl := func(r *Result, s string) string {
		if len(runs) == 1 {
			return s
		}
		return r.Label + " " + s
	}
	b.WriteString("<h2>Charts</h2>\n")
	var ss []series
	for i, r := range runs {
		ss = append(ss,
			series{name: lbl(r, "last trade"), color: colors[i][0], dashed: i == 1, vals: col(runs, func(b BlockMetrics) int64 { return b.LastPrice })[i]},
			series{name: lbl(r, "oracle"), color: colors[i][1], dashed: i == 1, vals: col(runs, func(b BlockMetrics) int64 { return b.Oracle })[i]})
		if i == 0 {
			ss = append(ss, series{name: "fundamental", color: colors[0][2], dashed: true, vals: col(runs, func(b BlockMetrics) int64 { return b.Fundamental })[0]})
		}
	}
	b.WriteString(svgChart("Trade price vs oracle", "ticks", heights, shade, ss, true))
	one := func(title, unit string, f func(b BlockMetrics) int64, bars bool) {
		ss = nil
		vals := col(runs, f)
		for i, r := range runs {
			ss = append(ss, series{name: lbl(r, title), color: colors[i][0], dashed: i == 1 && !bars, vals: vals[i], bars: bars})
		}
		b.WriteString(svgChart(title, unit, heights, shade, ss, false))
	}
	one("Spread", "bps, -1 = one-sided", func(b BlockMetrics) int64 { return b.SpreadBps }, false)
	ss = nil
	for i, r := range runs {
		ss = append(ss,
			series{name: lbl(r, "bid depth"), color: colors[i][0], dashed: i == 1, vals: col(runs, func(b BlockMetrics) int64 { return int64(b.BidDepth) })[i]},
			series{name: lbl(r, "ask depth"), color: colors[i][1], dashed: i == 1, vals: col(runs, func(b BlockMetrics) int64 { return int64(b.AskDepth) })[i]})
	}
	b.WriteString(svgChart("Depth near the mid", "lots", heights, shade, ss, false))
	one("Volume", "lots", func(b BlockMetrics) int64 { return int64(b.Volume) }, true)
	one("Realised volatility", "bps", func(b BlockMetrics) int64 { return b.VolatilityBps }, false)
	one("Halted", "1 = halted or cancel-only", func(b BlockMetrics) int64 {
		if b.Halted {
			return 1
		}
		return 0
	}, false)

	// Refusals.
	b.WriteString("<h2>Refusals by reason</h2><table><tr><th class=l>reason</th>")
	reasons := map[string]bool{}
	for _, r := range runs {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(orDefault(r.Label, r.Scenario)))
		for k := range r.Summary.Refusals {
			reasons[k] = true
		}
	}
	b.WriteString("</tr>\n")
	for _, k := range sortedKeys(reasons) {
		fmt.Fprintf(&b, "<tr><td class=l>%s</td>", html.EscapeString(k))
		for _, r := range runs {
			fmt.Fprintf(&b, "<td>%d</td>", r.Summary.Refusals[k])
		}
		b.WriteString("</tr>\n")
	}
	if len(reasons) == 0 {
		fmt.Fprintf(&b, "<tr><td class=l colspan=%d>none</td></tr>", len(runs)+1)
	}
	b.WriteString("</table>\n")

	// Detector table.
	for _, r := range runs {
		if len(r.Scores) == 0 && len(r.Episodes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<h2>Surveillance %s</h2>\n", html.EscapeString(r.Label))
		if len(r.Scores) == 0 {
			fmt.Fprintf(&b, "<p class=note>%d abusive episodes in the ground truth; no surveillance engine ran.</p>\n", len(r.Episodes))
			continue
		}
		b.WriteString(`<table><tr><th class=l>detector</th><th>episodes</th><th>detected</th><th>recall</th><th>evasion recall</th><th>alerts</th><th>precision</th><th>false alerts / 1,000 clean entity-days</th><th>time to detect (blocks, median / mean / max)</th></tr>` + "\n")
		for _, s := range r.Scores {
			ttd := "—"
			if s.MeanTimeToDetect >= 0 {
				ttd = fmt.Sprintf("%d / %d / %d", s.MedianTimeToDetect, s.MeanTimeToDetect, s.MaxTimeToDetect)
			}
			ev := "—"
			if s.EvasionEpisodes > 0 {
				ev = fmt.Sprintf("%s (%d/%d)", permille(s.EvasionRecallPm), s.EvasionDetected, s.EvasionEpisodes)
			}
			rec, prec := "—", "—"
			if s.Episodes > 0 {
				rec = permille(s.RecallPermille)
			}
			if s.Alerts > 0 {
				prec = permille(s.PrecisionPermille)
			}
			fmt.Fprintf(&b, "<tr><td class=l>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				html.EscapeString(s.Detector), s.Episodes, s.Detected, rec, ev, s.Alerts, prec, milli(s.FalsePer1000EntityDaysMilli), ttd)
		}
		b.WriteString("</table>\n")
		b.WriteString(`<p class=note>An alert is a case for review, not a finding. True positive: the alert names an order or trade id of a seeded episode of its detector family (layering counts as spoofing); clean entities: those of the non-abusive agents (hard negatives included).</p>`)
		if len(r.Alerts) > 0 {
			b.WriteString("<table><tr><th>height</th><th class=l>detector</th><th>entities</th><th>orders</th><th class=l>evidence</th></tr>\n")
			for i, al := range r.Alerts {
				if i == 40 {
					fmt.Fprintf(&b, "<tr><td colspan=5 class=l>… %d more in result.json</td></tr>\n", len(r.Alerts)-40)
					break
				}
				ents := make([]string, 0, len(al.Entities))
				for _, e := range al.Entities {
					ents = append(ents, strconv.FormatUint(e, 10))
				}
				fmt.Fprintf(&b, "<tr><td>%d</td><td class=l>%s</td><td>%s</td><td>%d</td><td class=l>%s</td></tr>\n",
					al.Height, html.EscapeString(al.Detector), strings.Join(ents, ","), len(al.OrderIDs), html.EscapeString(al.Evidence))
			}
			b.WriteString("</table>\n")
		}
	}

	// Scenario.
	b.WriteString("<h2>Agents</h2><table><tr><th class=l>run</th><th class=l>agent</th><th class=l>kind</th><th>entity</th><th class=l>group</th><th>accounts</th></tr>\n")
	for _, r := range runs {
		for _, a := range r.AgentList {
			kind := html.EscapeString(a.Kind)
			if a.Abusive {
				kind = `<span class="bad">` + kind + `</span>`
			}
			fmt.Fprintf(&b, "<tr><td class=l>%s</td><td class=l>%s</td><td class=l>%s</td><td>%d</td><td class=l>%s</td><td>%d</td></tr>\n",
				html.EscapeString(orDefault(r.Label, "-")), html.EscapeString(a.Name), kind, a.Entity, html.EscapeString(a.Group), len(a.Accounts))
		}
	}
	b.WriteString("</table>\n<h2>Rules and shocks</h2><table><tr><th class=l>run</th><th>height</th><th class=l>what</th></tr>\n")
	for _, r := range runs {
		for _, ru := range r.Rules {
			what := ru.Action
			switch ru.Action {
			case "band":
				what = fmt.Sprintf("band %d bps", ru.BandBps)
			case "breaker":
				what = fmt.Sprintf("breaker %d bps over %d blocks", ru.BreakerBps, ru.WindowBlocks)
			case "revoke_licence", "freeze":
				what += " " + ru.Agent
			}
			fmt.Fprintf(&b, "<tr><td class=l>%s</td><td>%d</td><td class=l>rule: %s</td></tr>\n", html.EscapeString(orDefault(r.Label, "-")), ru.At, html.EscapeString(what))
		}
		for _, sh := range r.Shocks {
			what := sh.Kind
			if sh.Count > 0 {
				what += fmt.Sprintf(" (%d validators)", sh.Count)
			}
			if sh.Kind == "liquidity_withdrawal" {
				what += " (" + sh.Agent + ")"
			}
			fmt.Fprintf(&b, "<tr><td class=l>%s</td><td>%d–%d</td><td class=l>shock: %s</td></tr>\n", html.EscapeString(orDefault(r.Label, "-")), sh.At, sh.Until-1, html.EscapeString(what))
		}
		fmt.Fprintf(&b, "<tr><td class=l>%s</td><td>1</td><td class=l>market: band %d bps, breaker %d bps / %d blocks, fees maker %d / taker %d bps</td></tr>\n",
			html.EscapeString(orDefault(r.Label, "-")), r.Market.BandBps, r.Market.BreakerBps, r.Market.BreakerWindowBlocks, r.Market.MakerFeeBps, r.Market.TakerFeeBps)
	}
	b.WriteString("</table>\n<p class=note>Per-block metrics: metrics*.csv and result*.json beside this file.</p>\n</body></html>\n")
	return []byte(b.String())
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
