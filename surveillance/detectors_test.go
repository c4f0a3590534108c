package surveillance_test

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/clearchain/clearchain/surveillance"
	extypes "github.com/clearchain/clearchain/x/exchange/types"
)

const (
	B = surveillance.Buy
	S = surveillance.Sell
)

func TestRing_ThreeGroupsCycleEndingFlat(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 3, 1000)
	for i := 0; i < 6; i++ { // 50 → 51 → 52 → 50, 20 lots a leg
		c.fill(1, 51, 50, B, 1000, 20)
		c.fill(1, 52, 51, B, 1000, 20)
		c.fill(1, 50, 52, B, 1000, 20)
		c.background(1, 1, 1000)
	}
	c.idle(2)
	a := c.only(surveillance.DetRing)
	if len(a.Entities) != 3 || a.Entities[0] != 50 || a.Entities[2] != 52 || len(a.TradeIDs) != 18 || a.Height != 10 {
		t.Fatalf("alert: %+v", a)
	}
	if !strings.Contains(a.Evidence, "50→51:120") {
		t.Fatalf("evidence: %s", a.Evidence)
	}
}

// A two-party round trip between unrelated entities that trade with no one
// else is the smallest ring.
func TestRing_TwoPartyRoundTrip(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 10; i++ {
		c.fill(1, 30, 31, B, 1000, 5)
		c.fill(1, 31, 30, B, 1000, 5)
		c.end()
	}
	c.only(surveillance.DetRing)
}

// Hard negatives: a market maker trading both ways with every client (its
// clients trade only with it, but it trades with all of them), and a cycle
// whose member does not end flat (a hedger building a position).
func TestRing_HardNegatives(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 40, 1000)
	for i := 0; i < 6; i++ {
		c.fill(1, 51, 50, B, 1000, 20)
		c.fill(1, 52, 51, B, 1000, 20)
		c.fill(1, 50, 52, B, 1000, 20)
		c.fill(1, 51, 93, B, 1000, 20) // 51 keeps buying: net long
		c.end()
	}
	c.idle(10)
	c.none(surveillance.DetRing, surveillance.DetWash)
}

// spoofEpisode: entity e rests sells at `levels` prices (100 lots each),
// gets a 10-lot buy filled on the other side, and cancels the sells.
func spoofEpisode(c *chain, e uint64, levels int) {
	var ids []uint64
	for l := 0; l < levels; l++ {
		ids = append(ids, c.place(1, e, S, 1010+int64(l)*5, 100))
	}
	c.place(1, e, B, 1000, 10)
	c.end()
	c.fill(1, 91, e, S, 1000, 10) // a seller hits the spoofer's bid
	c.end()
	for _, id := range ids {
		c.cancel(1, e, id, 100)
	}
	c.end()
}

func TestSpoofing_LayeringRepeated(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 2; i++ {
		spoofEpisode(c, 60, 3)
		c.background(1, 10, 1000)
	}
	a := c.only(surveillance.DetLayering)
	if a.Group != 60 || len(a.OrderIDs) != 8 || len(a.TradeIDs) != 2 {
		t.Fatalf("alert: %+v", a)
	}
	c.none(surveillance.DetSpoofing)
}

func TestSpoofing_OneLevel(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 3; i++ {
		spoofEpisode(c, 61, 1)
		c.background(1, 10, 1000)
	}
	c.only(surveillance.DetSpoofing)
	c.none(surveillance.DetLayering)
}

// Hard negatives: a two-sided market maker requoting both sides every
// block (cancelling far more than it fills, but symmetrically), and a
// spoof-shaped pattern seen only once (not repeated: a change of mind).
func TestSpoofing_HardNegatives(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	var bid, ask uint64
	for i := 0; i < 60; i++ {
		if bid != 0 {
			c.cancel(1, 70, bid, 100)
			c.cancel(1, 70, ask, 100)
		}
		bid = c.place(1, 70, B, 995, 100)
		ask = c.place(1, 70, S, 1005, 100)
		if i%3 == 0 {
			c.fill(1, 91, 70, S, 995, 10)
		}
		c.end()
	}
	spoofEpisode(c, 62, 3)
	c.background(1, 10, 1000)
	c.none(surveillance.DetSpoofing, surveillance.DetLayering)
}

func stuffBlock(c *chain, e uint64, n int) {
	for i := 0; i < n; i++ {
		id := c.place(1, e, B, 900, 1)
		c.cancel(1, e, id, 1)
	}
}

func TestQuoteStuffing_Bursts(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 30; i++ {
		stuffBlock(c, 80, 3)
		c.end()
	}
	for i := 0; i < 3; i++ {
		stuffBlock(c, 80, 300)
		c.end()
		stuffBlock(c, 80, 3)
		c.end()
	}
	a := c.only(surveillance.DetQuoteStuffing)
	if a.Group != 80 || a.FirstHeight != 31 || a.Height != 33 {
		t.Fatalf("alert: %+v", a)
	}
}

// A newcomer that bursts from its very first block (no history: its
// average starts at zero) is caught too.
func TestQuoteStuffing_NewcomerBursts(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 10, 1000)
	for i := 0; i < 3; i++ {
		stuffBlock(c, 83, 150)
		c.end()
	}
	if a := c.only(surveillance.DetQuoteStuffing); a.Group != 83 || a.FirstHeight != 11 || a.Height != 12 {
		t.Fatalf("alert: %+v", a)
	}
}

// Hard negatives: a market maker quoting heavily from its first block whose
// quotes trade (5 fills per 300 messages: 1.7%, above MaxFillPermille);
// an established participant's occasional busy block that trades.
func TestQuoteStuffing_HardNegatives(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 40; i++ {
		stuffBlock(c, 81, 150) // 300 messages every block
		for k := 0; k < 5; k++ {
			c.fill(1, 91, 81, S, 900, 1)
		}
		if i%10 == 5 { // and a busy burst that trades
			stuffBlock(c, 82, 150)
			for k := 0; k < 20; k++ {
				c.fill(1, 91, 82, S, 900, 1)
			}
		} else {
			stuffBlock(c, 82, 2)
		}
		c.end()
	}
	c.none(surveillance.DetQuoteStuffing)
}

// closeScenario: background at 1000 to height 95; in the close window
// (96..100) entity e buys 40 lots a block at rising prices; after the
// close the price is `after`, and with unwind e sells 40 lots a block back.
func closeScenario(t *testing.T, e uint64, after int64, unwind bool) *chain {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 90, 1000)
	c.fill(1, e, 90, B, 1000, 2) // e's usual small share
	c.background(1, 5, 1000)
	for i := 0; i < 5; i++ {
		c.fill(1, 91, 90, B, 1000+int64(i)*5, 5)
		c.fill(1, e, 90, B, 1010+int64(i)*5, 40)
		c.end()
	}
	for i := 0; i < 5; i++ {
		c.fill(1, 91, 90, S, after, 5)
		if unwind {
			c.fill(1, e, 90, S, after, 40)
		}
		c.end()
	}
	return c
}

func TestMarkingClose(t *testing.T) {
	c := closeScenario(t, 85, 1000, true)
	a := c.only(surveillance.DetMarkingClose)
	if a.Group != 85 || a.Height != 105 || a.FirstHeight != 96 || len(a.TradeIDs) != 5 {
		t.Fatalf("alert: %+v", a)
	}
}

// A market with its own reference schedule (a batch auction every 50
// blocks): the close at 100 still counts there; with an interval of 0 the
// market is not watched; with 30 the heights do not line up.
func TestMarkingClose_MarketIntervals(t *testing.T) {
	for iv, want := range map[int64]int{50: 1, 0: 0, 30: 0} {
		p := surveillance.DefaultParams()
		p.Close.MarketIntervals = map[uint64]int64{1: iv}
		c := newChain(t, p)
		c.background(1, 90, 1000)
		c.fill(1, 85, 90, B, 1000, 2)
		c.background(1, 5, 1000)
		for i := 0; i < 5; i++ {
			c.fill(1, 91, 90, B, 1000+int64(i)*5, 5)
			c.fill(1, 85, 90, B, 1010+int64(i)*5, 40)
			c.end()
		}
		for i := 0; i < 5; i++ {
			c.fill(1, 91, 90, S, 1000, 5)
			c.fill(1, 85, 90, S, 1000, 40)
			c.end()
		}
		if n := c.count(surveillance.DetMarkingClose); n != want {
			t.Errorf("interval %d: %d alerts, want %d", iv, n, want)
		}
	}
}

// Hard negative: an institution executing a large order into the close
// whose impact holds (no reversal).
func TestMarkingClose_NoReversal(t *testing.T) {
	c := closeScenario(t, 86, 1030, true)
	c.none(surveillance.DetMarkingClose)
}

// Hard negative: an institution executing a large order into the close
// that keeps its position while the price comes back (the market makers
// requote around the oracle): no unwind, no alert.
func TestMarkingClose_NoUnwind(t *testing.T) {
	c := closeScenario(t, 87, 1000, false)
	c.none(surveillance.DetMarkingClose)
}

// momentumScenario: entity e takes 30 lots a block for 3 blocks at rising
// prices, then (exit) sells 90 lots back into the move.
func momentumScenario(t *testing.T, e uint64, exit bool) *chain {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 20, 1000)
	for i := 0; i < 3; i++ {
		c.fill(1, 92, 90, B, 1000, 5)
		c.fill(1, e, 90, B, 1010+int64(i)*15, 30)
		c.end()
	}
	for i := 0; i < 10; i++ {
		if exit && i < 3 {
			c.fill(1, 93, e, B, 1035, 30)
		} else {
			c.fill(1, 93, 90, S, 1030-int64(i), 5)
		}
		c.end()
	}
	return c
}

func TestMomentumIgnition(t *testing.T) {
	c := momentumScenario(t, 87, true)
	a := c.only(surveillance.DetMomentumIgnition)
	if a.Group != 87 || a.FirstHeight > 21 || len(a.TradeIDs) != 6 {
		t.Fatalf("alert: %+v", a)
	}
}

// Hard negative: a hedger that buys aggressively and keeps the position.
func TestMomentumIgnition_HedgerKeepsPosition(t *testing.T) {
	c := momentumScenario(t, 88, false)
	c.none(surveillance.DetMomentumIgnition)
}

func TestCredits(t *testing.T) {
	p := surveillance.DefaultParams()
	p.AccountEntities = map[string]uint64{"alice": 100, "bob": 101, "carol": 102, "g1": 111, "g2": 112, "g3": 113}
	p.Parents = map[uint64]uint64{111: 110, 112: 110, 113: 110}
	c := newChain(t, p)
	c.credit("issued", "batch_id", "A", "serial_start", "1", "serial_end", "100", "issuer", "iss", "owner", "alice")
	c.credit("issued", "batch_id", "B", "serial_start", "101", "serial_end", "200", "issuer", "iss", "owner", "g1")
	c.end()
	c.credit("issued", "batch_id", "C", "serial_start", "150", "serial_end", "160", "issuer", "iss2", "owner", "bob")
	c.end()
	// A straight chain, then a circle back to alice.
	c.credit("transferred", "serial_start", "1", "serial_end", "100", "from", "alice", "to", "bob")
	c.end()
	c.credit("transferred", "serial_start", "1", "serial_end", "100", "from", "bob", "to", "carol")
	c.end()
	c.none(surveillance.DetCreditCircularFlow)
	c.credit("transferred", "serial_start", "1", "serial_end", "100", "from", "carol", "to", "alice")
	c.end()
	// Group-internal round trip: a hard negative.
	c.credit("transferred", "serial_start", "101", "serial_end", "200", "from", "g1", "to", "g2")
	c.credit("transferred", "serial_start", "101", "serial_end", "200", "from", "g2", "to", "g3")
	c.credit("transferred", "serial_start", "101", "serial_end", "200", "from", "g3", "to", "g1")
	c.end()
	// Retire, claim twice, move after retirement.
	c.credit("retired", "serial_start", "1", "serial_end", "50", "owner", "alice", "beneficiary", "town", "retirement_id", "R1")
	c.credit("claimed", "retirement_id", "R1", "claimant", "town")
	c.end()
	c.credit("claimed", "retirement_id", "R1", "claimant", "bob")
	c.credit("transferred", "serial_start", "40", "serial_end", "60", "from", "alice", "to", "bob")
	c.end()

	if a := c.only(surveillance.DetCreditDoubleIssue); a.Height != 2 || a.FirstHeight != 1 ||
		strings.Join(a.Serials, ",") != "clear1credits:101-200,clear1credits:150-160" {
		t.Fatalf("double issuance: %+v", a)
	}
	if a := c.only(surveillance.DetCreditCircularFlow); a.Height != 5 || a.FirstHeight != 3 ||
		strings.Join(uint64s(a.Entities), ",") != "100,101,102" {
		t.Fatalf("circular: %+v", a)
	}
	if a := c.only(surveillance.DetCreditDoubleClaim); a.FirstHeight != 7 || strings.Join(a.Accounts, ",") != "bob,town" {
		t.Fatalf("double claim: %+v", a)
	}
	if a := c.only(surveillance.DetCreditAfterRetire); a.Height != 8 || a.Serials[0] != "clear1credits:1-50" {
		t.Fatalf("after retirement: %+v", a)
	}
}

func uint64s(v []uint64) []string {
	var s []string
	for _, x := range v {
		s = append(s, strconv.FormatUint(x, 10))
	}
	return s
}

// mixed runs every abuse of this file against background trading.
func mixed(t *testing.T) []byte {
	c := newChain(t, surveillance.DefaultParams())
	c.entity(11, 10)
	c.entity(12, 10)
	c.background(1, 5, 1000)
	for i := 0; i < 3; i++ {
		spoofEpisode(c, 60, 2)
		c.fill(1, 11, 12, B, 1000, 5)
		c.fill(2, 51, 50, B, 1000, 20)
		c.fill(2, 52, 51, B, 1000, 20)
		c.fill(2, 50, 52, B, 1000, 20)
		stuffBlock(c, 80, 300)
		c.background(1, 5, 1000)
	}
	c.idle(20)
	out, err := json.Marshal(c.alerts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	a, b := mixed(t), mixed(t)
	if string(a) != string(b) {
		t.Fatalf("two runs differ:\n%s\n%s", a, b)
	}
	for _, d := range []string{surveillance.DetWash, surveillance.DetRing, surveillance.DetSpoofing} {
		if !strings.Contains(string(a), `"detector":"`+d+`"`) {
			t.Errorf("mixed run raised no %s: %s", d, a)
		}
	}
}

// The package reads events only: no keeper, app, store or SDK module
// package among its (non-test) dependencies.
func TestNoKeeperImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/clearchain/clearchain/") && dep != "github.com/clearchain/clearchain/surveillance" ||
			strings.Contains(dep, "/keeper") || strings.HasPrefix(dep, "github.com/cosmos/cosmos-sdk") {
			t.Errorf("surveillance depends on %s", dep)
		}
	}
}

// Cancels the venue makes (force-cancel, self-trade prevention, an
// account sweep), however the reason is spelled, are not the owner's
// messages: a stream of them is neither spoofing nor stuffing.
func TestVenueCancelsAreNotTheOwners(t *testing.T) {
	reasons := []string{"force-cancel", "self-trade", "account-licence-revoked", "ORDER_REASON_SELF_TRADE", "unfilled", "ORDER_REASON_HEARTBEAT_LAPSED", "ORDER_REASON_IOC_REMAINDER"}
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 3; i++ {
		var ids []uint64
		for l := 0; l < 3; l++ {
			ids = append(ids, c.place(1, 63, S, 1010+int64(l)*5, 100))
		}
		c.end()
		c.fill(1, 91, 63, S, 1000, 10)
		c.end()
		for k, id := range ids {
			c.typed(&extypes.EventOrderCancelled{OrderId: id, MarketId: 1, Owner: acct(63, 0), EntityId: 63,
				Quantity: 100, Reason: reasons[(i+k)%len(reasons)]})
		}
		c.end()
		c.background(1, 10, 1000)
	}
	c.none(surveillance.DetSpoofing, surveillance.DetLayering)
	// The same with the owner's own reason code is caught.
	c = newChain(t, surveillance.DefaultParams())
	for i := 0; i < 3; i++ {
		var ids []uint64
		for l := 0; l < 3; l++ {
			ids = append(ids, c.place(1, 63, S, 1010+int64(l)*5, 100))
		}
		c.end()
		c.fill(1, 91, 63, S, 1000, 10)
		c.end()
		for _, id := range ids {
			c.typed(&extypes.EventOrderCancelled{OrderId: id, MarketId: 1, Owner: acct(63, 0), EntityId: 63,
				Quantity: 100, Reason: "ORDER_REASON_CANCELLED_BY_OWNER"})
		}
		c.end()
		c.background(1, 10, 1000)
	}
	c.only(surveillance.DetLayering)
}

// Hard negative: a market maker whose cancels in a spell are lopsided (it
// pulls its asks around a fill on its bid) but which trades on both sides
// in the same span, as market makers do: not spoofing.
func TestSpoofing_MarketMakerTradingBothSides(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 3; i++ {
		var ids []uint64
		for l := 0; l < 3; l++ {
			ids = append(ids, c.place(1, 71, S, 1010+int64(l)*5, 100))
		}
		c.place(1, 71, B, 1000, 10)
		c.end()
		c.fill(1, 91, 71, S, 1000, 10) // its bid is hit
		c.fill(1, 92, 71, B, 1010, 10) // and its ask is lifted
		c.end()
		for _, id := range ids {
			c.cancel(1, 71, id, 90)
		}
		c.end()
		c.background(1, 10, 1000)
	}
	c.none(surveillance.DetSpoofing, surveillance.DetLayering)
}

// TestCredits_ReadsTheGreenCreditContractsEvents: the credit detectors
// read the events the bundled contract really emits (action = issue /
// transfer / retire in its "wasm" event; a transfer names its batch, not
// serials). A batch's credits going round three independent holders and
// back raise a circular-transfer alert naming the batch's serials; the
// same round inside one group does not; a transfer of a partly retired
// batch is not a transfer after retirement (the contract burned the
// retired credits: what moves is outstanding); another contract's
// "transfer" without a batch is ignored. Before, the engine read only
// wasm-credit_* events, which the contract never emits: no alert at all.
func TestCredits_ReadsTheGreenCreditContractsEvents(t *testing.T) {
	p := surveillance.DefaultParams()
	p.AccountEntities = map[string]uint64{"alice": 100, "bob": 101, "carol": 102, "g1": 111, "g2": 112, "g3": 113}
	p.Parents = map[uint64]uint64{111: 110, 112: 110, 113: 110}
	c := newChain(t, p)
	c.gcEvent("action", "issue", "batch_id", "1", "issuer", "iss", "denom", "asset/clear1gc/gc1", "first_serial", "1000", "last_serial", "1099", "recipient", "alice")
	c.gcEvent("action", "issue", "batch_id", "2", "issuer", "iss", "denom", "asset/clear1gc/gc2", "first_serial", "2000", "last_serial", "2049", "recipient", "g1")
	c.end()
	c.gcEvent("action", "retire", "certificate_id", "1", "batch_id", "1", "retired_by", "alice", "first_serial", "1000", "last_serial", "1009")
	c.gcEvent("action", "transfer", "batch_id", "1", "from", "alice", "to", "bob", "amount", "40")
	c.gcEvent("action", "transfer", "dataset_id", "1", "from", "alice", "to", "carol")
	c.end()
	c.gcEvent("action", "transfer", "batch_id", "1", "from", "bob", "to", "carol", "amount", "40")
	c.gcEvent("action", "transfer", "batch_id", "2", "from", "g1", "to", "g2", "amount", "5")
	c.end()
	c.none(surveillance.DetCreditCircularFlow, surveillance.DetCreditAfterRetire)
	c.gcEvent("action", "transfer", "batch_id", "1", "from", "carol", "to", "alice", "amount", "40")
	c.gcEvent("action", "transfer", "batch_id", "2", "from", "g2", "to", "g3", "amount", "5")
	c.gcEvent("action", "transfer", "batch_id", "2", "from", "g3", "to", "g1", "amount", "5")
	c.end()
	if a := c.only(surveillance.DetCreditCircularFlow); a.Height != 4 || a.FirstHeight != 2 ||
		strings.Join(a.Serials, ",") != "clear1gc:1000-1099" || strings.Join(uint64s(a.Entities), ",") != "100,101,102" {
		t.Fatalf("circular: %+v", a)
	}
	c.none(surveillance.DetCreditAfterRetire, surveillance.DetCreditDoubleIssue)
}
