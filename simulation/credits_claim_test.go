package simulation

import (
	"strings"
	"testing"
)

// TestCreditDoubleClaimerIsRefusedByTheContract runs the bundled
// green-credits scenario (seed 11, 120 blocks) and checks the double
// claimers on the real green-credit contract: every episode issued,
// retired and claimed its certificate (recorded as ground truth: the
// certificate id and its serial range), and the second claim — by another
// entity (plain) or the same account 3-6 blocks later (evasion) — was the
// episode's one refused tx, counted under `tx wasm: …` refusals. Before
// the contract had a claim action, the first claim was refused too (2
// refusals an episode).
func TestCreditDoubleClaimerIsRefusedByTheContract(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the green-credits scenario (120 blocks)")
	}
	s, err := LoadScenario("scenarios/green-credits.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(s, Options{Seed: 11, Blocks: 120, Surveillance: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, evasive := 0, 0
	for _, e := range r.Episodes {
		if e.Kind != KindCreditDoubleClaimer {
			continue
		}
		if e.End == 0 {
			continue // still running when the run ended
		}
		if e.Certificate == "" || len(e.Serials) != 1 || !strings.Contains(e.Serials[0], ":") {
			t.Errorf("%s episode %d..%d: ground truth missing: certificate %q serials %v", e.Agent, e.Start, e.End, e.Certificate, e.Serials)
		}
		if e.Refused != 1 {
			t.Errorf("%s episode %d..%d (certificate %s): %d refused txs, want exactly 1 (the second claim)", e.Agent, e.Start, e.End, e.Certificate, e.Refused)
		}
		if e.Detector != "credit_double_claim" {
			t.Errorf("%s: detector %q", e.Agent, e.Detector)
		}
		if e.Evasion {
			evasive++
		} else {
			plain++
		}
	}
	if plain == 0 || evasive == 0 {
		t.Fatalf("double-claim episodes: plain %d, evasive %d; want both seeded", plain, evasive)
	}
	if r.Summary.Refusals["tx wasm: execute wasm contract failed"] < plain+evasive {
		t.Errorf("refusals %v: the refused claims are not counted", r.Summary.Refusals)
	}
	t.Logf("double-claim episodes: plain %d, evasive %d, each with its second claim refused", plain, evasive)
}
