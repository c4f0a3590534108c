package simulation

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// small is a short market with resting quotes: its exported state has a
// book, exchange balances, entities, licences and an oracle feed.
const small = `
name: small
blocks: 8
market: {start_price: 10000, taker_fee_bps: 5, maker_fee_bps: -1, band_bps: 1000}
price: {volatility_bps: 10}
agents:
  - {kind: market_maker, name: mm, count: 2, spread_bps: 20, levels: 2, size: 20}
  - {kind: noise, name: noise, count: 2, size: 5, activity_pct: 80}
  - {kind: group_transfer, name: grp, count: 2, every: 3}
`

// exportedState reads an exported genesis's app_state as JSON values.
func exportedState(t *testing.T, path string) (*genutiltypes.AppGenesis, map[string]map[string]any) {
	t.Helper()
	g, err := genutiltypes.AppGenesisFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]map[string]any
	if err := json.Unmarshal(g.AppState, &st); err != nil {
		t.Fatal(err)
	}
	return g, st
}

// ofMarket keeps the entries of a list whose market_id is m.
func ofMarket(list any, m string) []any {
	var out []any
	for _, x := range list.([]any) {
		if x.(map[string]any)["market_id"] == m {
			out = append(out, x)
		}
	}
	return out
}

// TestFromGenesisStartsAtTheExportedState exports the state after a short
// run (the format of `cleard export`), simulates from it with another
// cast, and checks that the run started at that state and traded its
// market: no market of the simulation's own is listed (market 1, the
// exported one, is the only market), the cast filled on market 1, the
// cast's licences were granted by the regulator's transactions (entity ids
// after the exported ones), the heights continue from the export; and that
// two runs from the same file are byte-identical.
//
// Before this test the cast listed a market 2 of its own and traded only
// there (it failed on "fills by market map[2:…]").
func TestFromGenesisStartsAtTheExportedState(t *testing.T) {
	if testing.Short() {
		t.Skip("three simulation runs")
	}
	dir := t.TempDir()
	s, err := ParseScenario("small", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "first.json")
	if _, err := Run(s, Options{Seed: 3, ExportGenesis: first}); err != nil {
		t.Fatal(err)
	}
	g1, st1 := exportedState(t, first)
	if len(ofMarket(st1["exchange"]["levels"], "1")) == 0 {
		t.Fatal("the exported state has no resting order in market 1")
	}
	exportedEntities := len(st1["compliance"]["entities"].([]any))

	// From the export: same scenario file shape, another cast.
	s2, err := ParseScenario("small", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	var outs [2][]byte
	var hashes [2]string
	for i := range outs {
		next := filepath.Join(dir, "next.json")
		r, err := Run(s2, Options{Seed: 5, Blocks: 4, FromGenesis: first, ExportGenesis: next, Surveillance: true})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Summary.InvariantsOK {
			t.Fatalf("invariants broken from the exported state: %v", r.Summary.BrokenInvariants)
		}
		if r.MarketID != 1 || r.FillsByMarket[1] == 0 || len(r.FillsByMarket) != 1 {
			t.Fatalf("the cast did not trade the exported market 1: market %d, fills by market %v", r.MarketID, r.FillsByMarket)
		}
		hashes[i] = r.AppHash
		rd := filepath.Join(dir, "report")
		if _, err := WriteReport(rd, r); err != nil {
			t.Fatal(err)
		}
		if outs[i], err = os.ReadFile(filepath.Join(rd, "result.json")); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			continue
		}
		g2, st2 := exportedState(t, next)
		if want := g1.InitialHeight + 5; g2.InitialHeight != want { // setup block + 4
			t.Errorf("heights do not continue from the export: next initial_height %d, want %d", g2.InitialHeight, want)
		}
		ids := map[string]bool{}
		for _, m := range st2["exchange"]["markets"].([]any) {
			ids[m.(map[string]any)["id"].(string)] = true
		}
		if !ids["1"] || len(ids) != 1 {
			t.Errorf("markets after the run: %v, want only the exported 1", ids)
		}
		// Every cast account is licensed under an entity registered
		// after the exported ones.
		lic := map[string]string{}
		for _, l := range st2["compliance"]["licences"].([]any) {
			lm := l.(map[string]any)
			lic[lm["address"].(string)], _ = lm["entity_id"].(string)
		}
		for _, a := range r.AgentList {
			if a.Entity <= uint64(exportedEntities) {
				t.Errorf("agent %s: entity %d is not a new one (the export has %d)", a.Name, a.Entity, exportedEntities)
			}
			for _, acc := range a.Accounts {
				if lic[acc] == "" {
					t.Errorf("agent %s: account %s has no licence after the run", a.Name, acc)
				}
			}
		}
	}
	if hashes[0] != hashes[1] || !bytes.Equal(outs[0], outs[1]) {
		t.Fatalf("two runs from the same exported state differ: %s vs %s", hashes[0], hashes[1])
	}
}

// TestFromGenesisForceTransfersRestrictedAssets: when the exported
// market's denoms are restricted assets (a live venue's securities), the
// simulated regulator funds the cast by MsgForceTransfer from their
// holders in the setup block, nothing is credited at genesis, and the cast
// trades the exported market.
func TestFromGenesisForceTransfersRestrictedAssets(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulation runs")
	}
	dir := t.TempDir()
	s, err := ParseScenario("small", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "first.json")
	if _, err := Run(s, Options{Seed: 3, ExportGenesis: first}); err != nil {
		t.Fatal(err)
	}
	// The same export with every asset restricted.
	g, err := genutiltypes.AppGenesisFromFile(first)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(g.AppState, &st); err != nil {
		t.Fatal(err)
	}
	var assets map[string]any
	if err := json.Unmarshal(st["assets"], &assets); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range assets["assets"].([]any) {
		a.(map[string]any)["restricted"] = true
		n++
	}
	if n < 2 {
		t.Fatalf("the export has %d assets, want the market's two", n)
	}
	if st["assets"], err = json.Marshal(assets); err != nil {
		t.Fatal(err)
	}
	if g.AppState, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	restricted := filepath.Join(dir, "restricted.json")
	if err := g.SaveAs(restricted); err != nil {
		t.Fatal(err)
	}
	r, err := Run(s, Options{Seed: 5, Blocks: 4, FromGenesis: restricted})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GenesisFunded) != 0 {
		t.Errorf("denoms credited at genesis: %v, want none (all restricted)", r.GenesisFunded)
	}
	if !r.Summary.InvariantsOK {
		t.Fatalf("invariants broken: %v", r.Summary.BrokenInvariants)
	}
	if r.MarketID != 1 || r.FillsByMarket[1] == 0 || len(r.FillsByMarket) != 1 {
		t.Fatalf("the cast did not trade the exported market 1: market %d, fills by market %v", r.MarketID, r.FillsByMarket)
	}
}

// TestFromGenesisMarketIDChoosesTheMarket: the scenario's market.id picks
// the exported market the cast trades (result, summary and report name
// it); an id the export does not have, or a market that is not active and
// continuous, is refused with an error naming market.id; on a fresh chain
// market.id is refused too (the simulation lists its own market). Before,
// market.id was an unknown field (the scenario did not parse).
func TestFromGenesisMarketIDChoosesTheMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation runs")
	}
	dir := t.TempDir()
	base, err := ParseScenario("small", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "exported.json")
	if _, err := Run(base, Options{Seed: 3, ExportGenesis: exported}); err != nil {
		t.Fatal(err)
	}
	withID := func(id string) *Scenario {
		s, err := ParseScenario("small-"+id, []byte(strings.Replace(small, "market: {", "market: {id: "+id+", ", 1)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	r, err := Run(withID("1"), Options{Seed: 4, FromGenesis: exported})
	if err != nil {
		t.Fatal(err)
	}
	if r.MarketID != 1 || r.Summary.MarketID != 1 || r.FillsByMarket[1] == 0 {
		t.Fatalf("market.id 1: traded market %d (summary %d), fills by market %v", r.MarketID, r.Summary.MarketID, r.FillsByMarket)
	}
	report, err := WriteReport(filepath.Join(dir, "out"), r)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<td class=l>market traded</td><td>1</td>") {
		t.Fatal("the report does not show the market traded")
	}
	_, err = Run(withID("7"), Options{Seed: 4, FromGenesis: exported})
	if err == nil || !strings.Contains(err.Error(), "market.id") || !strings.Contains(err.Error(), "market 7 is not in the exported state") {
		t.Fatalf("unknown market: %v", err)
	}
	// Halt market 1 in the export.
	g, st := exportedState(t, exported)
	for _, m := range st["exchange"]["markets"].([]any) {
		m.(map[string]any)["status"] = "MARKET_STATUS_HALTED"
	}
	bz, _ := json.Marshal(st)
	g.AppState = bz
	halted := filepath.Join(dir, "halted.json")
	if err := g.SaveAs(halted); err != nil {
		t.Fatal(err)
	}
	_, err = Run(withID("1"), Options{Seed: 4, FromGenesis: halted})
	if err == nil || !strings.Contains(err.Error(), "market.id") || !strings.Contains(err.Error(), "MARKET_STATUS_HALTED") {
		t.Fatalf("halted market: %v", err)
	}
	if _, err = Run(withID("1"), Options{Seed: 4}); err == nil || !strings.Contains(err.Error(), "market.id") {
		t.Fatalf("market.id on a fresh chain: %v", err)
	}
}
