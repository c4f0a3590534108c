package simulation

import (
	"fmt"
	"testing"

	"github.com/clearchain/clearchain/surveillance"
)

// detectorFloor is what a bundled abuse scenario must keep scoring with its
// own seed and length: the recall of its detector (all episodes, plain and
// evasive), the precision of that detector's alerts, and the false alerts
// of every detector on clean entities (market makers, hedgers,
// institutions, noise, the group-internal transfer group).
type detectorFloor struct {
	scenario, detector string
	minRecallPm        int // per mille, all seeded episodes
	minPlainRecallPm   int // per mille, the plain abuser's episodes only
	minEvasionDetected int // the evasive abuser's episodes detected
	minPrecisionPm     int
	maxFalseOnClean    int // all detectors together
}

// detectorFloors are the measured numbers of docs/surveillance.md rounded
// down: a change that makes a detector miss a seeded episode it caught (or
// alert on a hard negative it passed) fails here.
var detectorFloors = []detectorFloor{
	{"wash-trades", "wash_trade", 1000, 1000, 4, 1000, 0},
	{"spoofing", "spoofing", 1000, 1000, 4, 1000, 0},
	{"quote-stuffing", "quote_stuffing", 1000, 1000, 4, 1000, 0},
	{"marking-the-close", "marking_close", 1000, 1000, 1, 1000, 0},
	{"momentum-ignition", "momentum_ignition", 625, 1000, 1, 1000, 0},
	// No abuse: every alert would be false (market makers, an arbitrageur,
	// institutions, a hedger, noise traders, data buyers).
	{"normal-day", "", 0, 0, 0, 0, 0},
}

// TestDetectorRecallOnSeededScenarios runs each bundled abuse scenario
// (its seed, its blocks: deterministic, no timing) with the surveillance
// engine and checks each detector's recall and precision on the seeded
// abusive agents, and that no detector alerts on a clean entity (there and
// in normal-day, which has no abuser). Before the tuning of issue 18 the
// same runs gave spoofing 0/8, quote stuffing 1/8, marking the close 0/4,
// momentum ignition 0/8; before the evasion features (attempts, round
// trips) the evasion variants gave spoofing 0/4, marking the close 0/1,
// momentum ignition 0/4 (this test, with its evasion floors, failed).
func TestDetectorRecallOnSeededScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the five abuse scenarios and normal-day (200 blocks each)")
	}
	for _, fl := range detectorFloors {
		t.Run(fl.scenario, func(t *testing.T) {
			s, err := LoadScenario("scenarios/" + fl.scenario + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			r, err := Run(s, Options{Surveillance: true})
			if err != nil {
				t.Fatal(err)
			}
			// TestBundledScenariosHoldInvariants leaves this scenario to
			// this full-length run.
			if !r.Summary.InvariantsOK {
				t.Errorf("%s: broken invariants: %v", fl.scenario, r.Summary.BrokenInvariants)
			}
			var sc *DetectorScore
			falseOnClean := 0
			for _, x := range r.Scores {
				t.Logf("%s: episodes %d detected %d (evasion %d/%d), alerts %d, precision %d‰, recall %d‰, false on clean %d (%d.%03d per 1,000 clean entity-days), time to detect median %d mean %d max %d",
					x.Detector, x.Episodes, x.Detected, x.EvasionDetected, x.EvasionEpisodes, x.Alerts, x.PrecisionPermille,
					x.RecallPermille, x.FalseOnClean, x.FalsePer1000EntityDaysMilli/1000, x.FalsePer1000EntityDaysMilli%1000,
					x.MedianTimeToDetect, x.MeanTimeToDetect, x.MaxTimeToDetect)
			}
			if fl.detector == "" {
				for i := range r.Scores {
					falseOnClean += r.Scores[i].FalseOnClean
				}
				if falseOnClean > fl.maxFalseOnClean {
					t.Errorf("%s: %d false alerts on clean entities, want <= %d", fl.scenario, falseOnClean, fl.maxFalseOnClean)
				}
				return
			}
			for i := range r.Scores {
				falseOnClean += r.Scores[i].FalseOnClean
				if r.Scores[i].Detector == fl.detector {
					sc = &r.Scores[i]
				}
			}
			if sc == nil || sc.Episodes == 0 {
				t.Fatalf("no seeded %s episode scored: %+v", fl.detector, r.Scores)
			}
			plain, plainHit := 0, 0
			variants := map[string][2]int{} // evasion variant → detected, episodes
			var names []string
			for _, e := range r.Episodes {
				if e.Detector != fl.detector {
					continue
				}
				hit := 0
				for _, a := range r.Alerts {
					if matches(a, e) {
						hit = 1
						break
					}
				}
				if e.Evasion {
					if e.Variant != "" {
						v, seen := variants[e.Variant]
						if !seen {
							names = append(names, e.Variant)
						}
						variants[e.Variant] = [2]int{v[0] + hit, v[1] + 1}
					}
					continue
				}
				plain++
				plainHit += hit
			}
			for _, n := range names {
				t.Logf("evasion variant %s: detected %d/%d", n, variants[n][0], variants[n][1])
			}
			got := fmt.Sprintf("recall %d‰ (%d/%d; plain %d/%d, evasion %d/%d), precision %d‰, false alerts on clean entities %d",
				sc.RecallPermille, sc.Detected, sc.Episodes, plainHit, plain, sc.EvasionDetected, sc.EvasionEpisodes,
				sc.PrecisionPermille, falseOnClean)
			t.Log(got)
			if sc.RecallPermille < fl.minRecallPm || plainHit*1000 < fl.minPlainRecallPm*plain || sc.EvasionDetected < fl.minEvasionDetected ||
				sc.PrecisionPermille < fl.minPrecisionPm || falseOnClean > fl.maxFalseOnClean {
				t.Errorf("%s on %s: %s; want recall >= %d‰, plain recall >= %d‰, evasion episodes detected >= %d, precision >= %d‰, false alerts on clean <= %d",
					fl.detector, fl.scenario, got, fl.minRecallPm, fl.minPlainRecallPm, fl.minEvasionDetected, fl.minPrecisionPm, fl.maxFalseOnClean)
				for _, e := range r.Episodes {
					t.Logf("episode %d %s (evasion %v) heights %d..%d entities %v orders %v fills %v",
						e.ID, e.Agent, e.Evasion, e.Start, e.End, e.Entities, e.OrderIDs, e.Fills)
				}
				for _, a := range r.Alerts {
					t.Logf("alert %s at %d (first %d) entities %v orders %v trades %v: %s",
						a.Detector, a.Height, a.FirstHeight, a.Entities, a.OrderIDs, a.TradeIDs, a.Evidence)
				}
			}
		})
	}
}

// spoofVariantTally runs the spoofing scenario on seed with tune and
// counts, per evasion variant of the evader, the episodes and those an
// alert names, plus the spoofing alerts' precision and their alerts on
// clean entities (other detectors' are logged).
func spoofVariantTally(t *testing.T, seed uint64, tune func(*surveillance.Params)) (byVariant map[string][2]int, precisionPm, falseOnClean int) {
	t.Helper()
	s, err := LoadScenario("scenarios/spoofing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(s, Options{Seed: seed, Surveillance: true, TuneSurveillance: tune})
	if err != nil {
		t.Fatal(err)
	}
	byVariant = map[string][2]int{}
	for _, e := range r.Episodes {
		if e.Detector != surveillance.DetSpoofing || !e.Evasion {
			continue
		}
		hit := 0
		for _, a := range r.Alerts {
			if matches(a, e) {
				hit = 1
				break
			}
		}
		v := byVariant[e.Variant]
		byVariant[e.Variant] = [2]int{v[0] + hit, v[1] + 1}
	}
	precisionPm = 1000
	for _, x := range r.Scores {
		if x.FalseOnClean > 0 {
			t.Logf("seed %d: %d %s alerts on clean entities", seed, x.FalseOnClean, x.Detector)
		}
		if surveillance.Family(x.Detector) != surveillance.Family(surveillance.DetSpoofing) {
			continue
		}
		falseOnClean += x.FalseOnClean
		if x.Detector == surveillance.DetSpoofing {
			precisionPm = x.PrecisionPermille
		}
	}
	return byVariant, precisionPm, falseOnClean
}

// TestSpoofingEvasionVariantsOnSeeds (SIM_SWEEP, make test-sim-scenarios):
// the spoofing scenario on seeds 11–13, the evader taking turns over its
// variants (small-layer, partly-filled, three-blocks), with the default
// params and with the partly-filled and three-block rules off
// (AttemptPartialMinRatio 0, AttemptPlaceBlocks 2). With the defaults the
// evasive episodes found must reach spoofEvasionSweepFloor (10/12
// measured; 4/12 with the rules off, 3/12 with the detector before issue
// 18's spoof evasion work) with every spoofing alert true and no spoofing
// alert on a clean entity. (Other detectors' alerts on clean entities are
// logged: seed 13 has a marking_close alert on a clean entity with the
// detector before this work too — docs/surveillance.md.)
func TestSpoofingEvasionVariantsOnSeeds(t *testing.T) {
	if testing.Short() || !simSweep() {
		t.Skip("seed sweep: SIM_SWEEP=1 (make test-sim-scenarios)")
	}
	off := func(p *surveillance.Params) { p.Spoof.AttemptPartialMinRatio, p.Spoof.AttemptPlaceBlocks = 0, 2 }
	var found, total, foundOff int
	for _, seed := range []uint64{11, 12, 13} {
		on, prec, foc := spoofVariantTally(t, seed, nil)
		offV, precOff, focOff := spoofVariantTally(t, seed, off)
		for _, v := range spoofVariants {
			t.Logf("seed %d %s: detected %d/%d (rules off: %d/%d)", seed, v, on[v][0], on[v][1], offV[v][0], offV[v][1])
			found += on[v][0]
			total += on[v][1]
			foundOff += offV[v][0]
		}
		t.Logf("seed %d: spoofing precision %d‰ (rules off %d‰), spoofing alerts on clean entities %d (rules off %d)", seed, prec, precOff, foc, focOff)
		if prec < 1000 || foc > 0 {
			t.Errorf("seed %d: spoofing precision %d‰, %d spoofing alerts on clean entities; want 1000‰, 0", seed, prec, foc)
		}
	}
	t.Logf("seeds 11-13: evasive episodes detected %d/%d (rules off %d/%d)", found, total, foundOff, total)
	if found < spoofEvasionSweepFloor {
		t.Errorf("evasive spoofing episodes detected %d/%d, want >= %d", found, total, spoofEvasionSweepFloor)
	}
	if foundOff >= spoofEvasionSweepFloor {
		t.Errorf("with the partly-filled and three-block rules off the floor still holds (%d/%d): the sweep cannot fail", foundOff, total)
	}
}

// spoofEvasionSweepFloor: measured on seeds 11–13, rounded down.
const spoofEvasionSweepFloor = 10
