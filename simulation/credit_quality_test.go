package simulation

import (
	"testing"

	"github.com/clearchain/clearchain/surveillance"
)

// TestGreenCreditDetectorsOnSeeds runs the bundled green-credits scenario
// (the real green-credit contract; seeded double issuers, movers of
// retired credits and circles, each plain and evasive, among a one-way
// trading chain and a group moving credits internally) on two seeds:
//   - every double-issuance and transfer-after-retirement attempt is
//     refused by the chain (the contract refuses overlapping serials; the
//     retired credits were burned) and counted under refusals;
//   - surveillance reads those refused txs (Engine.ProcessBlockTxs): the
//     double-issuance and transfer-after-retirement detectors find every
//     attempt (plain and evasive), precision 100%, no false alert on a
//     clean entity;
//   - the circular-transfer detector finds every circle (plain and
//     evasive) with no false alert, on the contract's real events.
//
// With refused-tx reading off (MaxRefusedPerBlock 0) the double-issuance
// and transfer-after-retirement floors fail, and with the circular
// detector off (window 0) the circle floors fail, on the first 60 blocks
// of seed 11 (two episodes of each kind). Before surveillance read
// refused txs, both attempt detectors were at 0/12.
func TestGreenCreditDetectorsOnSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the green-credits scenario on two seeds (200 blocks each)")
	}
	s, err := LoadScenario("scenarios/green-credits.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dets := []string{surveillance.DetCreditDoubleIssue, surveillance.DetCreditAfterRetire, surveillance.DetCreditDoubleClaim, surveillance.DetCreditCircularFlow}
	run := func(seed uint64, blocks int64, tune func(*surveillance.Params)) map[string]DetectorScore {
		r, err := Run(s, Options{Seed: seed, Blocks: blocks, Surveillance: true, TuneSurveillance: tune})
		if err != nil {
			t.Fatal(err)
		}
		refusedKinds := map[string]int{}
		for _, e := range r.Episodes {
			switch e.Kind {
			case KindCreditDoubleIssuer, KindCreditRetiredMover:
				if e.Refused == 0 {
					t.Errorf("seed %d: %s episode at %d..%d: the chain accepted the abuse (serials %v)", seed, e.Agent, e.Start, e.End, e.Serials)
				}
				refusedKinds[e.Kind]++
			}
		}
		if refusedKinds[KindCreditDoubleIssuer] == 0 || refusedKinds[KindCreditRetiredMover] == 0 {
			t.Errorf("seed %d: refused attempts by kind %v: want both kinds seeded", seed, refusedKinds)
		}
		if r.Summary.Refusals["tx wasm: execute wasm contract failed"] < refusedKinds[KindCreditDoubleIssuer] {
			t.Errorf("seed %d: refusals %v: the refused issues are not counted", seed, r.Summary.Refusals)
		}
		out := map[string]DetectorScore{}
		for _, x := range r.Scores {
			t.Logf("seed %d (%d blocks): %s episodes %d detected %d (evasion %d/%d), alerts %d, true %d, false on clean %d, time to detect mean %d max %d",
				seed, blocks, x.Detector, x.Episodes, x.Detected, x.EvasionDetected, x.EvasionEpisodes, x.Alerts, x.TruePositives, x.FalseOnClean,
				x.MeanTimeToDetect, x.MaxTimeToDetect)
			out[x.Detector] = x
		}
		return out
	}
	// floorsFail: not every episode (and evasion) found, an alert that is
	// no episode's, or a false alert on a clean entity.
	floorsFail := func(x DetectorScore) bool {
		return x.Episodes == 0 || x.Detected < x.Episodes || x.EvasionDetected < x.EvasionEpisodes || x.Alerts == 0 ||
			x.TruePositives < x.Alerts || x.FalseOnClean > 0
	}
	for _, seed := range []uint64{11, 12} {
		scores := run(seed, 0, nil)
		for _, d := range dets {
			if x := scores[d]; floorsFail(x) {
				t.Errorf("seed %d: %s: recall %d/%d (evasion %d/%d), precision %d/%d, false on clean %d; want every episode found, precision 100%%, none false",
					seed, d, x.Detected, x.Episodes, x.EvasionDetected, x.EvasionEpisodes, x.TruePositives, x.Alerts, x.FalseOnClean)
			}
		}
	}
	// Seed 11's first 60 blocks hold two episodes of each kind.
	off := run(11, 60, func(p *surveillance.Params) {
		p.Credits.CircularWindowBlocks = 0
		p.Credits.MaxRefusedPerBlock = 0
	})
	for _, d := range dets {
		if x := off[d]; !floorsFail(x) {
			t.Errorf("%s with its input off: the floors still hold (recall %d/%d, alerts %d): the test cannot fail", d, x.Detected, x.Episodes, x.Alerts)
		}
	}
}
