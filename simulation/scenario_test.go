package simulation

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const okScenario = `
name: t
blocks: 10
market: {start_price: 10000, taker_fee_bps: 5, maker_fee_bps: -1, band_bps: 1000}
agents:
  - {kind: market_maker, name: mm, spread_bps: 20}
`

// TestBadScenarioNamesTheField: every bad file gets an ErrScenario whose
// message names the file and the offending field.
func TestBadScenarioNamesTheField(t *testing.T) {
	cases := map[string]struct {
		// State.
		yaml string
		// Expectations.
		field string
	}{
		"an unknown top-level field is refused":   {yaml: okScenario + "blcks: 3\n", field: "field blcks not found"},
		"an unknown agent field is refused":       {yaml: strings.Replace(okScenario, "spread_bps: 20", "spread_bps: 20, sprad: 1", 1), field: "field sprad not found"},
		"a wrong type names its line":             {yaml: strings.Replace(okScenario, "blocks: 10", "blocks: ten", 1), field: "line 3"},
		"an unknown agent kind":                   {yaml: strings.Replace(okScenario, "kind: market_maker", "kind: market_breaker", 1), field: "agents[0].kind"},
		"a market maker without a spread":         {yaml: strings.Replace(okScenario, "spread_bps: 20", "size: 3", 1), field: "agents[0].spread_bps"},
		"a rebate above the taker fee":            {yaml: strings.Replace(okScenario, "maker_fee_bps: -1", "maker_fee_bps: -9", 1), field: "market.maker_fee_bps"},
		"a band above 100%":                       {yaml: strings.Replace(okScenario, "band_bps: 1000", "band_bps: 20000", 1), field: "market.band_bps"},
		"a start price below 100 ticks":           {yaml: strings.Replace(okScenario, "start_price: 10000", "start_price: 5", 1), field: "market.start_price"},
		"no agents":                               {yaml: "name: t\n", field: "agents: at least one agent"},
		"a rule at the setup block":               {yaml: okScenario + "rules:\n  - {at: 1, action: halt}\n", field: "rules[0].at"},
		"an unknown rule action":                  {yaml: okScenario + "rules:\n  - {at: 5, action: explode}\n", field: "rules[0].action"},
		"a fee change at a height is explained":   {yaml: okScenario + "rules:\n  - {at: 5, action: fee}\n", field: "rules[0].action: fee changes at a height are not possible"},
		"a revocation of an unknown agent":        {yaml: okScenario + "rules:\n  - {at: 5, action: revoke_licence, agent: ghost}\n", field: "rules[0].agent"},
		"a shock that ends before it starts":      {yaml: okScenario + "shocks:\n  - {at: 5, until: 5, kind: feeder_outage, count: 1}\n", field: "shocks[0].until"},
		"an outage of more validators than exist": {yaml: okScenario + "shocks:\n  - {at: 5, until: 9, kind: feeder_outage, count: 9}\n", field: "shocks[0].count"},
		"an unknown price event":                  {yaml: okScenario + "price:\n  events:\n    - {at: 5, kind: meltdown, move_bps: 10}\n", field: "price.events[0].kind"},
		"a crash without a duration":              {yaml: okScenario + "price:\n  events:\n    - {at: 5, kind: crash, move_bps: -100}\n", field: "price.events[0].over_blocks"},
		"an evasion flag on an honest agent":      {yaml: strings.Replace(okScenario, "spread_bps: 20", "spread_bps: 20, evasion: true", 1), field: "agents[0].evasion"},
		"a wash trader with one account":          {yaml: okScenario + "  - {kind: wash_trader, name: w}\n", field: "agents[1].count"},
		"two agents with one name":                {yaml: okScenario + "  - {kind: noise, name: mm}\n", field: "agents[1].name"},
		"a block time below a second":             {yaml: okScenario + "block_time: 500ms\n", field: "block_time"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseScenario("bad.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted")
			}
			if !errors.Is(err, ErrScenario) {
				t.Fatalf("not an ErrScenario: %v", err)
			}
			if !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name the file and %q", err, tc.field)
			}
		})
	}
	if _, err := ParseScenario("ok.yaml", []byte(okScenario)); err != nil {
		t.Fatalf("the good scenario is refused: %v", err)
	}
}

// TestBundledScenariosParse: every file in scenarios/ is valid.
func TestBundledScenariosParse(t *testing.T) {
	files, err := filepath.Glob("scenarios/*.yaml")
	if err != nil || len(files) < 11 {
		t.Fatalf("bundled scenarios: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		if _, err := LoadScenario(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	if _, err := LoadScenario(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, ErrScenario) || !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("a missing file: %v", err)
	}
}
