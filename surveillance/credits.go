package surveillance

import (
	"fmt"
	"strconv"
	"strings"
)

type span struct {
	start, end uint64
	batch      string
	owner      string
	id         string // retirement id
	height     int64
}

func (s span) overlaps(a, b uint64) bool { return s.start <= b && a <= s.end }

type hop struct {
	from, to string
	height   int64
}

type moving struct {
	start, end uint64
	hops       []hop
}

type claim struct {
	claimant string
	height   int64
}

type contractCredits struct {
	batches map[string]span // batch id → its issued range (the first issue of the id)
	issued  []span
	retired []span
	moves   []moving
}

type creditState struct {
	byContract map[string]*contractCredits
	claims     map[string]claim // contract|retirement id → first claim
	denoms     map[string]batchRef
}

// batchRef is the contract and batch of a green-credit denom.
type batchRef struct{ contract, batch string }

func (s *creditState) init() {
	s.byContract = map[string]*contractCredits{}
	s.claims = map[string]claim{}
	s.denoms = map[string]batchRef{}
}

func (s *creditState) of(contract string) *contractCredits {
	c := s.byContract[contract]
	if c == nil {
		c = &contractCredits{batches: map[string]span{}}
		s.byContract[contract] = c
	}
	return c
}

func serialStr(contract string, a, b uint64) string {
	return contract + ":" + strconv.FormatUint(a, 10) + "-" + strconv.FormatUint(b, 10)
}

// detectCredits raises the green-credit alerts, in event order:
// double issuance (a serial issued twice), transfer after retirement,
// two claims on one retirement, and circular transfer chains (a serial
// range returning to an account it left, through accounts of more than one
// ownership group).
func (e *Engine) detectCredits(b *block) []Alert {
	p := e.p.Credits
	var out []Alert
	for _, ev := range b.credits {
		c := e.credits.of(ev.Contract)
		a := Alert{Height: b.height, FirstHeight: b.height}
		if ev.Fungible {
			// A transfer of a batch's credits: the move of its range.
			s, ok := c.batches[ev.Batch]
			if !ok {
				continue
			}
			ev.SerialStart, ev.SerialEnd = s.start, s.end
		}
		switch ev.Kind {
		case "issued":
			for _, s := range c.issued {
				if s.overlaps(ev.SerialStart, ev.SerialEnd) {
					a.Detector, a.FirstHeight = DetCreditDoubleIssue, s.height
					a.Accounts = []string{s.owner, ev.From, ev.To}
					a.Serials = []string{serialStr(ev.Contract, s.start, s.end), serialStr(ev.Contract, ev.SerialStart, ev.SerialEnd)}
					a.Evidence = fmt.Sprintf("serials %d-%d of contract %s (batch %q) issued at height %d overlap serials %d-%d already issued in batch %q at height %d",
						ev.SerialStart, ev.SerialEnd, ev.Contract, ev.Batch, b.height, s.start, s.end, s.batch, s.height)
					a.Score = 1000
					break
				}
			}
			if ev.Denom != "" && len(e.credits.denoms) < p.MaxTrackedRanges {
				e.credits.denoms[ev.Denom] = batchRef{contract: ev.Contract, batch: ev.Batch}
			}
			if len(c.issued) < p.MaxTrackedRanges {
				c.issued = append(c.issued, span{start: ev.SerialStart, end: ev.SerialEnd, batch: ev.Batch, owner: ev.To, height: b.height})
				if _, seen := c.batches[ev.Batch]; !seen && ev.Batch != "" {
					c.batches[ev.Batch] = c.issued[len(c.issued)-1]
				}
			}
			e.trackMove(c, ev, b.height)
		case "transferred":
			for _, s := range c.retired {
				if ev.Fungible {
					break // it moves outstanding credits: the contract burned the retired ones
				}
				if s.overlaps(ev.SerialStart, ev.SerialEnd) {
					a.Detector, a.FirstHeight = DetCreditAfterRetire, s.height
					a.Accounts = []string{s.owner, ev.From, ev.To}
					a.Serials = []string{serialStr(ev.Contract, s.start, s.end), serialStr(ev.Contract, ev.SerialStart, ev.SerialEnd)}
					a.Evidence = fmt.Sprintf("serials %d-%d of contract %s moved %s → %s at height %d after serials %d-%d were retired (retirement %q by %s at height %d)",
						ev.SerialStart, ev.SerialEnd, ev.Contract, ev.From, ev.To, b.height, s.start, s.end, s.id, s.owner, s.height)
					a.Score = 1000
					break
				}
			}
			if a.Detector == "" {
				a = e.circular(c, ev, b.height)
			}
			e.trackMove(c, ev, b.height)
		case "retired":
			if len(c.retired) < p.MaxTrackedRanges {
				c.retired = append(c.retired, span{start: ev.SerialStart, end: ev.SerialEnd, batch: ev.Batch, owner: ev.From, id: ev.RetirementID, height: b.height})
			}
		case "claimed":
			k := ev.Contract + "|" + ev.RetirementID
			if first, ok := e.credits.claims[k]; ok {
				a.Detector, a.FirstHeight = DetCreditDoubleClaim, first.height
				a.Accounts = []string{first.claimant, ev.From}
				for _, s := range c.retired {
					if s.id == ev.RetirementID {
						a.Serials = append(a.Serials, serialStr(ev.Contract, s.start, s.end))
					}
				}
				a.Evidence = fmt.Sprintf("retirement %q of contract %s claimed by %s at height %d was claimed again by %s at height %d",
					ev.RetirementID, ev.Contract, first.claimant, first.height, ev.From, b.height)
				a.Score = 1000
			} else if ev.RetirementID != "" {
				e.credits.claims[k] = claim{claimant: ev.From, height: b.height}
			}
		}
		if a.Detector != "" {
			for _, acct := range a.Accounts {
				if ent := e.accounts[acct]; ent != 0 {
					a.Entities = append(a.Entities, ent)
				}
			}
			out = append(out, a)
		}
	}
	return out
}

// trackMove records a hop of a serial range and drops hops older than the
// circular window.
func (e *Engine) trackMove(c *contractCredits, ev CreditEvent, h int64) {
	from := ev.From
	if ev.Kind == "issued" {
		from = ""
	}
	w := e.p.Credits.CircularWindowBlocks
	for i := range c.moves {
		m := &c.moves[i]
		if m.start == ev.SerialStart && m.end == ev.SerialEnd {
			for len(m.hops) > 0 && m.hops[0].height <= h-w {
				m.hops = m.hops[1:]
			}
			m.hops = append(m.hops, hop{from: from, to: ev.To, height: h})
			return
		}
	}
	if len(c.moves) >= e.p.Credits.MaxTrackedRanges {
		c.moves = c.moves[1:]
	}
	c.moves = append(c.moves, moving{start: ev.SerialStart, end: ev.SerialEnd, hops: []hop{{from: from, to: ev.To, height: h}}})
}

// circular checks whether transfer ev brings its serial range back to an
// account it left within the window: a time-ordered path of earlier hops
// of the range from ev.To to ev.From (found by earliest arrival over the
// hops in event order, so that unrelated holders' moves of a fungible
// batch in between do not make a cycle), at least MinCircleHops hops with
// this one, whose accounts are not all in one ownership group.
func (e *Engine) circular(c *contractCredits, ev CreditEvent, h int64) Alert {
	p := e.p.Credits
	for i := range c.moves {
		m := &c.moves[i]
		if !(m.start <= ev.SerialEnd && ev.SerialStart <= m.end) {
			continue
		}
		// reach[acct] = index of the hop that first reached it from ev.To.
		const start = -1
		reach := map[string]int{ev.To: start}
		for j, hp := range m.hops {
			if hp.height <= h-p.CircularWindowBlocks || hp.from == "" {
				continue
			}
			if _, ok := reach[hp.from]; !ok {
				continue
			}
			if _, ok := reach[hp.to]; !ok {
				reach[hp.to] = j
			}
		}
		last, ok := reach[ev.From]
		if !ok || (last == start && ev.From != ev.To) {
			continue
		}
		var path []hop // in order, ending at ev.From
		for acct := ev.From; acct != ev.To; {
			j := reach[acct]
			if j == start {
				break
			}
			path = append([]hop{m.hops[j]}, path...)
			acct = m.hops[j].from
		}
		if len(path)+1 < p.MinCircleHops {
			continue
		}
		accts := []string{ev.To}
		for _, x := range path {
			accts = append(accts, x.to)
		}
		oneGroup := true
		var g0 uint64
		for k, acct := range accts {
			ent := e.accounts[acct]
			g := e.Group(ent)
			if ent == 0 {
				oneGroup = false
			}
			if k == 0 {
				g0 = g
			} else if g != g0 {
				oneGroup = false
			}
		}
		if oneGroup {
			continue // group-internal transfers: the group's own book-keeping
		}
		a := Alert{Detector: DetCreditCircularFlow, Height: h, FirstHeight: path[0].height, Accounts: accts,
			Serials: []string{serialStr(ev.Contract, ev.SerialStart, ev.SerialEnd)}}
		chain := strings.Join(accts, " → ") + " → " + ev.To
		a.Evidence = fmt.Sprintf("serials %d-%d of contract %s came back to %s within %d blocks (heights %d..%d) through %d transfers: %s",
			ev.SerialStart, ev.SerialEnd, ev.Contract, ev.To, h-path[0].height, path[0].height, h, len(path)+1, chain)
		a.Score = 500 + int64(len(path))*100
		return a
	}
	return Alert{}
}
