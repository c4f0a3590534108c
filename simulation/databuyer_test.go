package simulation

import (
	"strings"
	"testing"
)

const dataBuyers = `
name: data-buyers
blocks: 24
market: {start_price: 10000}
agents:
  - {kind: market_maker, name: mm, spread_bps: 20, levels: 2, size: 20}
  - {kind: noise, name: noise, count: 2, size: 5}
  - {kind: data_buyer, name: buyer, count: 2, every: 6, amount: 2500, activity_pct: 100}
`

// TestDataBuyersBuyLicences: data buyers call the real data-asset contract
// (wasm, stored and instantiated in the setup block) and buy access
// licences, again each time theirs lapses; no buyer tx is refused.
func TestDataBuyersBuyLicences(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulation run with wasm")
	}
	s, err := ParseScenario("data-buyers", []byte(dataBuyers))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(s, Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range r.Summary.Refusals {
		if strings.HasPrefix(k, "tx ") {
			t.Errorf("refused txs: %s ×%d", k, n)
		}
	}
	// 24 blocks, a licence of 6 blocks, bought again the block after it
	// lapses: 4 licences each (blocks 2, 9, 16, 23).
	if r.Summary.LicencesBought != 8 {
		t.Fatalf("licences bought: %d, want 8 (summary %+v)", r.Summary.LicencesBought, r.Summary)
	}
	if !r.Summary.InvariantsOK {
		t.Fatalf("invariants: %v", r.Summary.BrokenInvariants)
	}
}
