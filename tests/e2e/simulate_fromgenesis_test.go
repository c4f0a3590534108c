package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSimulateFromRealNodeExport runs a real node, lists a market on it
// and trades (a resting ask left in the book), stops it, exports its state
// with `cleard export`, and runs `cleard simulate --from-genesis` on that
// file: the simulated agents must trade the exported market (fills on
// market 1, no market of their own) and the report must be written.
func TestSimulateFromRealNodeExport(t *testing.T) {
	n := startSingleNode(t, "e2e-simgen-1", "5299000SIMGENVALIDAT", []string{"validator", "regulator", "issuer", "alice", "bob"},
		func(n *singleNode) {
			n.grantGenesisLicence("alice", "institution", "5299000SIMGENALICE01", "Alice Bank AG", "DE")
			n.grantGenesisLicence("bob", "institution", "5299000SIMGENBOB0001", "Bob Securities SA", "FR")
			n.grantGenesisLicence("issuer", "issuer", "5299000SIMGENISSUER1", "Issuer Ltd", "LU")
		})
	tx, addr := n.tx, n.addr
	tx("issuer", "assets", "create", "eurc", "Euro cash token", "cash", "--decimals", "6")
	tx("issuer", "assets", "create", "wthr", "Weather dataset shares", "data-asset", "--decimals", "0")
	eurc, wthr := "asset/"+addr["issuer"]+"/eurc", "asset/"+addr["issuer"]+"/wthr"
	for _, who := range []string{"alice", "bob"} {
		tx("issuer", "assets", "mint", eurc, "1000000000", addr[who])
		tx("issuer", "assets", "mint", wthr, "1000", addr[who])
	}
	tx("regulator", "exchange", "create-market", fmt.Sprintf(`{"base_denom":%q,"quote_denom":%q,"tick_size":"1","lot_size":"1","min_notional":"1","maker_fee_bps":0,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS"}`, wthr, eurc))
	for _, who := range []string{"alice", "bob"} {
		tx(who, "exchange", "deposit", "500000000"+eurc)
		tx(who, "exchange", "deposit", "500"+wthr)
	}
	order := func(side string, price, qty int) string {
		return fmt.Sprintf(`{"market_id":1,"side":"SIDE_%s","price":%d,"quantity":%d}`, side, price, qty)
	}
	tx("alice", "exchange", "place", order("SELL", 1250, 5))
	tx("alice", "exchange", "place", order("SELL", 1252, 10))
	h := tx("bob", "exchange", "place", order("BUY", 1252, 12))
	waitHeight(t, n.rpc, h+2, 30*time.Second)
	n.stop()

	dir := t.TempDir()
	exported := filepath.Join(dir, "export.json")
	mustCleard(t, "export", "--home", n.home, "--output-document", exported)
	scn := filepath.Join(dir, "scenario.yaml")
	if err := os.WriteFile(scn, []byte(`
name: from-node
blocks: 10
market: {start_price: 1250, taker_fee_bps: 5, maker_fee_bps: -1, band_bps: 1000}
price: {volatility_bps: 10}
agents:
  - {kind: market_maker, name: mm, count: 2, spread_bps: 20, levels: 2, size: 5}
  - {kind: noise, name: noise, count: 2, size: 2, activity_pct: 80}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	res := cleard(t, 5*time.Minute, "simulate", "--from-genesis", exported, "--scenario", scn, "--seed", "7", "--blocks", "10", "--out", out)
	if res.code != 0 {
		t.Fatalf("simulate --from-genesis: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	t.Logf("simulate:\n%s", lastLines(res.stdout, 5))
	if !strings.Contains(res.stdout, "report: ") {
		t.Fatalf("no report printed:\n%s", res.stdout)
	}
	bz, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		MarketID      uint64         `json:"market_id"`
		GenesisFunded []string       `json:"genesis_funded"`
		FillsByMarket map[string]int `json:"fills_by_market"`
		Summary       struct {
			InvariantsOK bool `json:"invariants_ok"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(bz, &r); err != nil {
		t.Fatal(err)
	}
	t.Logf("market %d, fills by market %v, credited at genesis (not restricted): %v", r.MarketID, r.FillsByMarket, r.GenesisFunded)
	if r.MarketID != 1 || r.FillsByMarket["1"] == 0 || len(r.FillsByMarket) != 1 {
		t.Fatalf("the agents did not trade the exported market 1: market %d, fills by market %v", r.MarketID, r.FillsByMarket)
	}
	if !r.Summary.InvariantsOK {
		t.Fatalf("invariants broken:\n%s", bz)
	}
	if st, err := os.Stat(filepath.Join(out, "report.html")); err != nil || st.Size() == 0 {
		t.Fatalf("report.html: %v", err)
	}
	// Same file, seed and scenario: byte-identical result.
	out2 := filepath.Join(dir, "out2")
	if res := cleard(t, 5*time.Minute, "simulate", "--from-genesis", exported, "--scenario", scn, "--seed", "7", "--blocks", "10", "--out", out2); res.code != 0 {
		t.Fatalf("second run: exit %d\n%s", res.code, res.stderr)
	}
	bz2, err := os.ReadFile(filepath.Join(out2, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(bz) != string(bz2) {
		t.Fatal("two runs from the same export and seed differ")
	}
}
