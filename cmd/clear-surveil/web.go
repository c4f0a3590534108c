package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/clearchain/clearchain/surveillance"
)

// checkLoopback refuses a listen address that is not on loopback: the
// auditor page shows evidence about named legal entities.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("clear-surveil: --listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("clear-surveil: --listen %q: the auditor page serves on loopback only (127.0.0.1 or ::1)", addr)
	}
	return nil
}

type web struct {
	st     *store
	height func() int64
}

func (w *web) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", w.index)
	mux.HandleFunc("GET /alert", w.alert)
	mux.HandleFunc("GET /entity", w.entity)
	mux.HandleFunc("GET /api/alerts", w.apiAlerts)
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(rw, `{"height":%d}`+"\n", w.height())
	})
	return mux
}

const css = `body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.ev{max-width:60em}.det{font-family:monospace}nav{display:flex;flex-wrap:wrap;gap:.3em 1em}nav a{white-space:nowrap}.note{color:#666}`

var pages = template.Must(template.New("base").Funcs(template.FuncMap{
	"join": func(v any) string {
		switch s := v.(type) {
		case []string:
			return strings.Join(s, ", ")
		case []uint64:
			var p []string
			for _, x := range s {
				p = append(p, strconv.FormatUint(x, 10))
			}
			return strings.Join(p, ", ")
		}
		return fmt.Sprint(v)
	},
	"x": func(h, lo, hi int64) int64 {
		if hi <= lo {
			return 10
		}
		return 10 + (h-lo)*780/(hi-lo)
	},
}).Parse(`{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<link rel="icon" href="data:,"><style>` + css + `</style></head><body>
<nav><a href="/">All alerts</a>{{range .Detectors}}<a class="det" href="/?detector={{.}}">{{.}}</a>{{end}}</nav>
<h1>{{.Title}}</h1><p class="note">Followed up to height <b id="height">{{.Height}}</b>. Alerts are cases for review, not findings.</p>{{end}}
{{define "table"}}<table id="alerts"><tr><th>alert</th><th>height</th><th>market</th><th>entities</th><th>score</th><th>evidence</th></tr>
{{range .Alerts}}<tr><td class="det"><a href="/alert?id={{.ID}}">{{.ID}}</a></td><td>{{.FirstHeight}}–{{.Height}}</td><td>{{.Market}}</td>
<td>{{range .Entities}}<a href="/entity?id={{.}}">{{.}}</a> {{end}}</td><td>{{.Score}}</td><td class="ev">{{.Evidence}}</td></tr>
{{else}}<tr><td colspan="6">no alerts</td></tr>{{end}}</table>{{end}}
{{define "index"}}{{template "head" .}}<table id="counts"><tr><th>detector</th><th>alerts</th></tr>
{{range .Counts}}<tr><td class="det">{{.Name}}</td><td>{{.N}}</td></tr>{{end}}</table><h2>Latest</h2>{{template "table" .}}</body></html>{{end}}
{{define "alert"}}{{template "head" .}}{{with .Alert}}<table id="alert">
<tr><th>detector</th><td class="det">{{.Detector}}</td></tr><tr><th>raised at height</th><td>{{.Height}} ({{.Time.UTC.Format "2006-01-02 15:04:05 UTC"}})</td></tr>
<tr><th>evidence from height</th><td>{{.FirstHeight}}</td></tr><tr><th>market</th><td>{{.Market}}</td></tr>
<tr><th>ownership group</th><td>{{.Group}}</td></tr>
<tr><th>entities</th><td>{{range .Entities}}<a href="/entity?id={{.}}">{{.}}</a> {{end}}</td></tr>
<tr><th>accounts</th><td>{{join .Accounts}}</td></tr><tr><th>order ids</th><td>{{join .OrderIDs}}</td></tr>
<tr><th>trade ids</th><td>{{join .TradeIDs}}</td></tr><tr><th>serials</th><td>{{join .Serials}}</td></tr>
{{with .Refused}}<tr><th>refused tx</th><td id="refused">an attempt the chain refused: tx {{.Hash}} at height {{.Height}}, index {{.Index}}, signed by {{.Signer}}, code {{.Code}} ({{.Codespace}}): {{.Log}}</td></tr>{{end}}
<tr><th>score</th><td>{{.Score}} / 1000</td></tr><tr><th>evidence</th><td class="ev" id="evidence">{{.Evidence}}</td></tr></table>{{end}}</body></html>{{end}}
{{define "entity"}}{{template "head" .}}<h2>Timeline</h2>
<svg id="timeline" width="800" height="60" viewBox="0 0 800 60" role="img" aria-label="alerts by height">
<line x1="10" y1="30" x2="790" y2="30" stroke="#999"/>{{$lo := .Lo}}{{$hi := .Hi}}{{range .Alerts}}
<a href="/alert?id={{.ID}}"><circle cx="{{x .Height $lo $hi}}" cy="30" r="6" fill="#c33"><title>{{.ID}}</title></circle></a>{{end}}
<text x="10" y="55" font-size="11">{{.Lo}}</text><text x="790" y="55" font-size="11" text-anchor="end">{{.Hi}}</text></svg>
{{template "table" .}}</body></html>{{end}}`))

type countRow struct {
	Name string
	N    int
}

type page struct {
	Title     string
	Height    int64
	Detectors []string
	Counts    []countRow
	Alerts    []surveillance.Alert
	Alert     *surveillance.Alert
	Lo, Hi    int64
}

func (w *web) page(title string) page {
	return page{Title: title, Height: w.height(), Detectors: surveillance.Detectors}
}

func (w *web) render(rw http.ResponseWriter, name string, p page) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	if err := pages.ExecuteTemplate(rw, name, p); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
	}
}

func (w *web) index(rw http.ResponseWriter, r *http.Request) {
	det := r.URL.Query().Get("detector")
	p := w.page("Market surveillance — alerts")
	if det != "" {
		p.Title = "Alerts: " + det
	}
	counts, names, err := w.st.counts()
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, n := range names {
		p.Counts = append(p.Counts, countRow{n, counts[n]})
	}
	if p.Alerts, err = w.st.alerts(det, 0, 200); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	w.render(rw, "index", p)
}

func (w *web) alert(rw http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	a, err := w.st.alert(id)
	if err != nil {
		http.Error(rw, "no alert "+id, http.StatusNotFound)
		return
	}
	p := w.page("Alert " + id)
	p.Alert = a
	w.render(rw, "alert", p)
}

func (w *web) entity(rw http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
	if err != nil || id == 0 {
		http.Error(rw, "entity: want ?id=<entity id>", http.StatusBadRequest)
		return
	}
	p := w.page(fmt.Sprintf("Entity %d — alert timeline", id))
	if p.Alerts, err = w.st.alerts("", id, 1000); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	p.Hi = w.height()
	p.Lo = p.Hi
	for _, a := range p.Alerts {
		p.Lo = min(p.Lo, a.FirstHeight)
	}
	w.render(rw, "entity", p)
}

func (w *web) apiAlerts(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ent, _ := strconv.ParseUint(q.Get("entity"), 10, 64)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	out, err := w.st.alerts(q.Get("detector"), ent, limit)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(out)
}
