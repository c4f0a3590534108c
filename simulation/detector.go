package simulation

import (
	"github.com/clearchain/clearchain/surveillance"
)

// SurveillanceParams are the params the simulation runs the surveillance
// engine with: the defaults, the ownership groups registered at genesis
// (entity → parent) and, when the scenario has days, the close every
// day_blocks blocks (marking the close).
func SurveillanceParams(s *Scenario, parents map[uint64]uint64) surveillance.Params {
	p := surveillance.DefaultParams()
	p.Parents = map[uint64]uint64{}
	for k, v := range parents {
		p.Parents[k] = v
	}
	if s.DayBlocks > p.Close.WindowBlocks {
		p.Close.IntervalBlocks = s.DayBlocks
		p.Close.BaselineBlocks = min(p.Close.BaselineBlocks, s.DayBlocks-p.Close.WindowBlocks)
	}
	return p
}

func newEngine(s *Scenario, c *chain, tune func(*surveillance.Params)) Detector {
	p := SurveillanceParams(s, c.parents)
	// The genesis licences (account → entity), as a live follower reads
	// them: green-credit holders that never trade are known too.
	p.AccountEntities = map[string]uint64{}
	for _, a := range c.agents {
		for _, acc := range a.accounts {
			if acc.entity != 0 {
				p.AccountEntities[acc.bech] = acc.entity
			}
		}
	}
	if tune != nil {
		tune(&p)
	}
	return surveillance.New(p)
}
