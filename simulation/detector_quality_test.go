package simulation

import (
	"fmt"
	"testing"
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
	{"spoofing", "spoofing", 750, 1000, 2, 1000, 0},
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
