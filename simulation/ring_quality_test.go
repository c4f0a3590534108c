package simulation

import (
	"fmt"
	"os"
	"testing"

	"github.com/clearchain/clearchain/surveillance"
)

// ringSeeds are the seeds TestCollusiveRingRecallOnSeeds runs the bundled
// collusive-ring scenario with under SIM_SWEEP (make test-sim-scenarios;
// three rings each: a three-member and a four-member ring, and an evasive
// three-member ring; docs/surveillance.md has the numbers); ringQuickSeeds
// the one `make test` runs.
var (
	ringSeeds      = []uint64{11, 12, 13, 14, 15}
	ringQuickSeeds = []uint64{11}
)

// simSweep reports whether the long seed sweeps run: SIM_SWEEP set (make
// test-sim-scenarios sets it); `make test` runs one seed of each.
func simSweep() bool { return os.Getenv("SIM_SWEEP") != "" }

// Floors over the seeds run: 15/15 rings (evasive 5/5), precision 22/22
// measured on 11–15 with MinShareBps 5500 (with 6000: seed 11's evasive
// ring missed, and this test failed on seed 11).
const (
	ringMinRecallPm     = 1000
	ringMinPrecisionPm  = 1000
	ringMaxFalseOnClean = 0 // every detector, on the triangle dealers, market makers, hedger, group transfers...
)

// ringMinEvasion: the evasive rings that must be found (one per seed run).
var ringMinEvasion = len(ringSeeds)

// ringTotals runs the collusive-ring scenario on the seeds and sums the
// collusive_ring scores and every detector's false alerts on clean
// entities.
func ringTotals(t *testing.T, seeds []uint64, blocks int64, tune func(*surveillance.Params)) (episodes, detected, evEpisodes, evDetected, alerts, tp, falseOnClean int) {
	t.Helper()
	s, err := LoadScenario("scenarios/collusive-ring.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		r, err := Run(s, Options{Seed: seed, Blocks: blocks, Surveillance: true, TuneSurveillance: tune})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Summary.InvariantsOK {
			t.Errorf("seed %d: broken invariants: %v", seed, r.Summary.BrokenInvariants)
		}
		if len(r.Episodes) == 0 || (blocks == 0 && len(r.Episodes) != 3) {
			t.Fatalf("seed %d: %d ring episodes seeded, want 3 (at least one in a shortened run)", seed, len(r.Episodes))
		}
		for _, x := range r.Scores {
			falseOnClean += x.FalseOnClean
			if x.Detector != surveillance.DetRing {
				continue
			}
			t.Logf("seed %d: %s episodes %d detected %d (evasion %d/%d), alerts %d, true %d, time to detect mean %d max %d",
				seed, x.Detector, x.Episodes, x.Detected, x.EvasionDetected, x.EvasionEpisodes, x.Alerts, x.TruePositives,
				x.MeanTimeToDetect, x.MaxTimeToDetect)
			episodes += x.Episodes
			detected += x.Detected
			evEpisodes += x.EvasionEpisodes
			evDetected += x.EvasionDetected
			alerts += x.Alerts
			tp += x.TruePositives
		}
		if episodes == 0 {
			// The detector raised nothing: its episodes still count.
			for _, e := range r.Episodes {
				if e.Detector == surveillance.DetRing {
					episodes++
					if e.Evasion {
						evEpisodes++
					}
				}
			}
		}
	}
	return
}

// ringFloorsErr says which floor the totals miss ("" when none).
func ringFloorsErr(episodes, detected, evDetected, alerts, tp, falseOnClean int) string {
	var msg string
	if episodes == 0 || detected*1000 < ringMinRecallPm*episodes {
		msg += fmt.Sprintf(" recall %d/%d < %d‰;", detected, episodes, ringMinRecallPm)
	}
	if evDetected < ringMinEvasion {
		msg += fmt.Sprintf(" evasive rings detected %d < %d;", evDetected, ringMinEvasion)
	}
	if alerts == 0 || tp*1000 < ringMinPrecisionPm*alerts {
		msg += fmt.Sprintf(" precision %d/%d < %d‰;", tp, alerts, ringMinPrecisionPm)
	}
	if falseOnClean > ringMaxFalseOnClean {
		msg += fmt.Sprintf(" %d false alerts on clean entities;", falseOnClean)
	}
	return msg
}

// TestCollusiveRingRecallOnSeeds runs the bundled collusive-ring scenario
// (seeded rings of independent entities passing lots round a cycle and
// ending flat, among market makers, a hedger, group-internal transfers and
// triangle dealers whose cycle does not return flat) on seed 11 (seeds
// 11–15 under SIM_SWEEP, make test-sim-scenarios) and
// checks the collusive_ring detector's recall (all rings and the evasive
// ones), its precision, and no false alert of any detector on a clean
// entity. Then it switches the ring detector off (window 0) on the first 75
// blocks of seed 11 (its first ring, which the detector finds at block 70)
// and checks that the same floors fail: the test cannot pass without the
// detector (it did fail so before the ring agents existed: no episode).
func TestCollusiveRingRecallOnSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the collusive-ring scenario on one seed (five under SIM_SWEEP), 200 blocks each")
	}
	seeds := ringQuickSeeds
	if simSweep() {
		seeds = ringSeeds
	} else {
		ringMinEvasion = len(ringQuickSeeds)
	}
	ep, det, evEp, evDet, al, tp, foc := ringTotals(t, seeds, 0, nil)
	t.Logf("seeds %v: recall %d/%d (evasion %d/%d), precision %d/%d, false alerts on clean entities %d",
		seeds, det, ep, evDet, evEp, tp, al, foc)
	if msg := ringFloorsErr(ep, det, evDet, al, tp, foc); msg != "" {
		t.Errorf("collusive_ring on seeds %v:%s", seeds, msg)
	}
	// Seed 11's first ring (blocks 62..64, found at 70 with the
	// detector on): 75 blocks are enough, and cheaper.
	ep, det, _, evDet, al, tp, foc = ringTotals(t, ringSeeds[:1], 75, func(p *surveillance.Params) { p.Ring.WindowBlocks = 0 })
	if msg := ringFloorsErr(ep, det, evDet, al, tp, foc); msg == "" {
		t.Errorf("with the ring detector off the floors still hold (recall %d/%d, alerts %d): the test cannot fail", det, ep, al)
	} else {
		t.Logf("ring detector off, seed %d: floors fail as they must:%s", ringSeeds[0], msg)
	}
}
