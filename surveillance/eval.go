package surveillance

import "sort"

// Truth is one seeded abuse of a simulation: what a detector should find.
type Truth struct {
	// Detector is the detector that should flag it (Family groups
	// spoofing with layering).
	Detector string
	// StartHeight is the abuse's first block (time to detect counts from it).
	StartHeight int64
	OrderIDs    []uint64
	TradeIDs    []string
	Serials     []string
}

// Quality is a detector's score against the ground truth of a run.
type Quality struct {
	Detector string
	// Alerts raised; TruePositives among them (naming an order, trade or
	// serial of a seeded abuse of the same family); FalsePositives the rest.
	Alerts, TruePositives, FalsePositives int
	// Cases seeded; Detected the cases at least one alert named.
	Cases, Detected int
	// PrecisionPermille = TP×1000/Alerts; RecallPermille = Detected×1000/Cases
	// (0 when the denominator is 0).
	PrecisionPermille, RecallPermille int64
	// MedianDelay is the median over detected cases of (height of the
	// first alert naming the case − its StartHeight), in blocks.
	MedianDelay int64
}

// Family maps layering to spoofing (one behaviour, two shapes); other
// detectors are their own family.
func Family(detector string) string {
	if detector == DetLayering {
		return DetSpoofing
	}
	return detector
}

// Evaluate scores alerts against the seeded abuses, per detector family, in
// the order of Detectors. It is the definition docs/surveillance.md uses:
// an alert is a true positive when one of its order ids, trade ids or
// serials belongs to a seeded abuse of its family.
func Evaluate(alerts []Alert, truth []Truth) []Quality {
	type caseSet struct {
		orders map[uint64][]int
		trades map[string][]int
		serial map[string][]int
	}
	sets := map[string]*caseSet{}
	for i, t := range truth {
		f := Family(t.Detector)
		s := sets[f]
		if s == nil {
			s = &caseSet{map[uint64][]int{}, map[string][]int{}, map[string][]int{}}
			sets[f] = s
		}
		for _, o := range t.OrderIDs {
			s.orders[o] = append(s.orders[o], i)
		}
		for _, x := range t.TradeIDs {
			s.trades[x] = append(s.trades[x], i)
		}
		for _, x := range t.Serials {
			s.serial[x] = append(s.serial[x], i)
		}
	}
	q := map[string]*Quality{}
	first := map[int]int64{} // case → height of the first alert naming it
	get := func(f string) *Quality {
		if q[f] == nil {
			q[f] = &Quality{Detector: f}
		}
		return q[f]
	}
	for _, a := range alerts {
		f := Family(a.Detector)
		qq := get(f)
		qq.Alerts++
		s := sets[f]
		hit := map[int]bool{}
		if s != nil {
			for _, o := range a.OrderIDs {
				for _, c := range s.orders[o] {
					hit[c] = true
				}
			}
			for _, x := range a.TradeIDs {
				for _, c := range s.trades[x] {
					hit[c] = true
				}
			}
			for _, x := range a.Serials {
				for _, c := range s.serial[x] {
					hit[c] = true
				}
			}
		}
		if len(hit) == 0 {
			qq.FalsePositives++
			continue
		}
		qq.TruePositives++
		for c := range hit {
			if h, ok := first[c]; !ok || a.Height < h {
				first[c] = a.Height
			}
		}
	}
	delays := map[string][]int64{}
	for i, t := range truth {
		f := Family(t.Detector)
		qq := get(f)
		qq.Cases++
		if h, ok := first[i]; ok {
			qq.Detected++
			delays[f] = append(delays[f], h-t.StartHeight)
		}
	}
	var out []Quality
	for _, d := range Detectors {
		if d == DetLayering {
			continue
		}
		qq := q[d]
		if qq == nil {
			continue
		}
		if qq.Alerts > 0 {
			qq.PrecisionPermille = int64(qq.TruePositives) * 1000 / int64(qq.Alerts)
		}
		if qq.Cases > 0 {
			qq.RecallPermille = int64(qq.Detected) * 1000 / int64(qq.Cases)
		}
		if ds := delays[d]; len(ds) > 0 {
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			qq.MedianDelay = ds[len(ds)/2]
		}
		out = append(out, *qq)
	}
	return out
}
