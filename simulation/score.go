package simulation

import (
	"fmt"
	"slices"

	"github.com/clearchain/clearchain/surveillance"
)

// DetectorScore is one row of the detector table: a surveillance detector
// scored against the ground truth (the abusive agents' episodes).
type DetectorScore struct {
	Detector string `json:"detector"`
	// Episodes of the abuse this detector family is for, and how many
	// were detected: named by an alert of the family through one of their
	// order or trade ids (surveillance.Evaluate's definition, which gives
	// the precision, recall and median delay).
	Episodes int `json:"episodes"`
	Detected int `json:"detected"`
	// The same for the evasion variants alone.
	EvasionEpisodes int `json:"evasion_episodes"`
	EvasionDetected int `json:"evasion_detected"`
	Alerts          int `json:"alerts"`
	TruePositives   int `json:"true_positives"`
	// FalseOnClean: false alerts that name only clean (non-abusive)
	// entities.
	FalseOnClean int `json:"false_on_clean"`
	// Per mille (integers, no floats): precision = TP/alerts, recall =
	// detected/episodes.
	PrecisionPermille int `json:"precision_permille"`
	RecallPermille    int `json:"recall_permille"`
	EvasionRecallPm   int `json:"evasion_recall_permille"`
	// FalsePer1000EntityDays is FalseOnClean per 1,000 clean entity-days,
	// in thousandths (1500 = 1.5).
	FalsePer1000EntityDaysMilli int64 `json:"false_per_1000_clean_entity_days_milli"`
	// MeanTimeToDetect in blocks (first matching alert height - episode
	// start), over detected episodes; -1 when none was detected.
	MeanTimeToDetect   int64 `json:"mean_time_to_detect_blocks"`
	MaxTimeToDetect    int64 `json:"max_time_to_detect_blocks"`
	MedianTimeToDetect int64 `json:"median_time_to_detect_blocks"`
}

// matches says an alert names an episode: one of its order ids or trade
// ids belongs to the episode, and the detector is of the episode's family
// (surveillance.Evaluate's definition).
func matches(al Alert, e *episode) bool {
	if surveillance.Family(al.Detector) != surveillance.Family(e.Detector) {
		return false
	}
	for _, id := range al.OrderIDs {
		if slices.Contains(e.OrderIDs, id) {
			return true
		}
	}
	for _, id := range al.TradeIDs {
		if slices.Contains(e.Fills, id) {
			return true
		}
	}
	for _, sr := range al.Serials {
		if slices.Contains(e.Serials, sr) {
			return true
		}
	}
	return false
}

// score builds the detector table. Clean entities are those of the
// non-abusive agents; days are day_blocks long (the whole run when 0).
func score(s *Scenario, r *Result, agents []*agent, blocks int64) []DetectorScore {
	dirty := map[uint64]bool{}
	clean := 0
	for _, a := range agents {
		for _, acc := range a.accounts {
			if a.abusive() {
				dirty[acc.entity] = true
			}
		}
		if !a.abusive() && a.kind != KindIssuer {
			clean++
		}
	}
	days := int64(1)
	if s.DayBlocks > 0 {
		days = (blocks + s.DayBlocks - 1) / s.DayBlocks
	}
	var truth []surveillance.Truth
	for _, e := range r.Episodes {
		truth = append(truth, surveillance.Truth{Detector: e.Detector, StartHeight: e.Start, OrderIDs: e.OrderIDs, TradeIDs: e.Fills, Serials: e.Serials})
	}
	var out []DetectorScore
	for _, q := range surveillance.Evaluate(r.Alerts, truth) {
		d := q.Detector
		ds := DetectorScore{Detector: d, MeanTimeToDetect: -1, MedianTimeToDetect: -1}
		var ttdSum, ttdN int64
		for _, e := range r.Episodes {
			if surveillance.Family(e.Detector) != d {
				continue
			}
			ds.Episodes++
			if e.Evasion {
				ds.EvasionEpisodes++
			}
			first := int64(-1)
			for _, al := range r.Alerts {
				if matches(al, e) && (first < 0 || al.Height < first) {
					first = al.Height
				}
			}
			if first >= 0 {
				ds.Detected++
				if e.Evasion {
					ds.EvasionDetected++
				}
				t := max(first-e.Start, 0)
				ttdSum += t
				ttdN++
				ds.MaxTimeToDetect = max(ds.MaxTimeToDetect, t)
			}
		}
		for _, al := range r.Alerts {
			if surveillance.Family(al.Detector) != d {
				continue
			}
			ds.Alerts++
			tp := false
			for _, e := range r.Episodes {
				if matches(al, e) {
					tp = true
					break
				}
			}
			if tp {
				ds.TruePositives++
				continue
			}
			onlyClean := len(al.Entities) > 0
			for _, ent := range al.Entities {
				if dirty[ent] {
					onlyClean = false
				}
			}
			if onlyClean {
				ds.FalseOnClean++
			}
		}
		// Precision and recall as surveillance.Evaluate defines them.
		ds.PrecisionPermille, ds.RecallPermille = int(q.PrecisionPermille), int(q.RecallPermille)
		if q.Detected > 0 {
			ds.MedianTimeToDetect = q.MedianDelay
		}
		if ds.EvasionEpisodes > 0 {
			ds.EvasionRecallPm = ds.EvasionDetected * 1000 / ds.EvasionEpisodes
		}
		if clean > 0 {
			ds.FalsePer1000EntityDaysMilli = int64(ds.FalseOnClean) * 1000 * 1000 / (int64(clean) * days)
		}
		if ttdN > 0 {
			ds.MeanTimeToDetect = ttdSum / ttdN
		}
		out = append(out, ds)
	}
	return out
}

// permille formats a per-mille value as a percentage with one decimal.
func permille(v int) string { return fmt.Sprintf("%d.%d%%", v/10, v%10) }

// milli formats thousandths with three decimals.
func milli(v int64) string { return fmt.Sprintf("%d.%03d", v/1000, v%1000) }
