package surveillance_test

import (
	"strings"
	"testing"

	"github.com/clearchain/clearchain/surveillance"
	comptypes "github.com/clearchain/clearchain/x/compliance/types"
)

func TestWash_SisterEntitiesTradingRepeatedly(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.entity(10, 0)
	c.entity(11, 10)
	c.entity(12, 10)
	c.end()
	c.background(1, 5, 1000)
	c.fill(1, 11, 12, surveillance.Buy, 1000, 50)
	c.end()
	c.background(1, 3, 1000)
	if c.count(surveillance.DetWash) != 0 {
		t.Fatal("one internal fill is not yet a pattern")
	}
	c.fill(1, 12, 11, surveillance.Buy, 1000, 50)
	c.end()
	a := c.only(surveillance.DetWash)
	if a.Group != 10 || a.Market != 1 || len(a.TradeIDs) != 2 || a.FirstHeight != 7 || a.Height != 11 {
		t.Fatalf("alert: %+v", a)
	}
	if strings.Join(a.Accounts, ",") != "clear1acct11x0,clear1acct12x0" || len(a.OrderIDs) != 4 {
		t.Fatalf("evidence: %+v", a)
	}
	// Cooldown: more wash within the window does not repeat the alert.
	c.fill(1, 12, 11, surveillance.Buy, 1000, 50)
	c.end()
	if n := c.count(surveillance.DetWash); n != 1 {
		t.Fatalf("want 1 alert, got %d", n)
	}
}

func TestWash_ParentsFromParams(t *testing.T) {
	p := surveillance.DefaultParams()
	p.Parents = map[uint64]uint64{21: 20, 22: 20}
	c := newChain(t, p)
	c.fill(1, 21, 22, surveillance.Sell, 1000, 5)
	c.fill(1, 22, 21, surveillance.Sell, 1000, 5)
	c.end()
	if a := c.only(surveillance.DetWash); a.Group != 20 {
		t.Fatalf("group %d", a.Group)
	}
}

// Hard negatives: unrelated entities trading back and forth (for the wash
// detector; the ring detector's tests cover pairs), and an entity whose
// parent changed away before it traded.
func TestWash_HardNegatives(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.entity(30, 0)
	c.entity(31, 0)
	c.end()
	c.background(1, 20, 1000)
	for i := 0; i < 10; i++ {
		c.fill(1, 30, 31, surveillance.Buy, 1000, 5)
		c.fill(1, 31, 30, surveillance.Buy, 1000, 5)
		c.end()
	}
	c.none(surveillance.DetWash)
	c.alerts = nil
	// 41 left group 40 (EventEntityUpdated) before trading with 42.
	c.entity(41, 40)
	c.entity(42, 40)
	c.end()
	c.typed(&comptypes.EventEntityUpdated{Entity: comptypes.Entity{Id: 41, ParentId: 0}})
	c.end()
	c.fill(1, 41, 42, surveillance.Buy, 1000, 5)
	c.fill(1, 42, 41, surveillance.Buy, 1000, 5)
	c.end()
	c.none(surveillance.DetWash, surveillance.DetRing)
}
