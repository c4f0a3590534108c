package matching

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestDataDriven runs the scripts in testdata/ (regenerate the expected
// output with -rewrite). Commands:
//
//	new-book [mode=auction]
//	place id= owner= [entity=] side= price= qty= [type=] [tif=] [post-only] [stp=] [trigger=] [expire-block=] [expire-time=]
//	cancel id= owner=
//	modify id= owner= price= qty=
//	mass-cancel owner= [side=]
//	expire [block=] [time=]
//	reference-price price=
//	auction ref=
//	clearing ref=
//	book
//	dirty           (prints DirtyLevels, then Checkpoint)
//	restart         (persists every level, rebuilds the book from them)
//
// Entity defaults to the owner. After every command the book's invariants
// are checked.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		if strings.Contains(path, "fuzz") {
			return
		}
		var b *Book
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			args := map[string]string{}
			for _, a := range d.CmdArgs {
				v := ""
				if len(a.Vals) > 0 {
					v = a.Vals[0]
				}
				args[a.Key] = v
			}
			num := func(k string) int64 {
				s, ok := args[k]
				if !ok {
					return 0
				}
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					d.Fatalf(t, "%s=%q: %v", k, s, err)
				}
				return n
			}
			if d.Cmd == "new-book" {
				cfg := Config{}
				if args["mode"] == "auction" {
					cfg.Mode = Auction
				}
				b = NewBook(cfg)
				return ""
			}
			if b == nil {
				d.Fatalf(t, "new-book first")
			}
			var out []Event
			switch d.Cmd {
			case "place":
				c := Command{Kind: CmdPlace, ID: OrderID(num("id")), Owner: OwnerID(num("owner")),
					Price: Price(num("price")), Qty: Qty(num("qty")), TriggerPrice: Price(num("trigger")),
					ExpireBlock: num("expire-block"), ExpireTime: num("expire-time")}
				c.Entity = EntityID(c.Owner)
				if _, ok := args["entity"]; ok {
					c.Entity = EntityID(num("entity"))
				}
				c.Side = parseSide(t, d, args["side"])
				c.Type = OrderType(parseEnum(t, d, args["type"], typeNames[:]))
				c.TIF = TimeInForce(parseEnum(t, d, args["tif"], tifNames[:]))
				c.STP = STPMode(parseEnum(t, d, args["stp"], stpNames[:]))
				_, c.PostOnly = args["post-only"]
				out = b.Apply([]Command{c}, out)
			case "cancel":
				out = b.Apply([]Command{{Kind: CmdCancel, ID: OrderID(num("id")), Owner: OwnerID(num("owner"))}}, out)
			case "modify":
				out = b.Apply([]Command{{Kind: CmdModify, ID: OrderID(num("id")), Owner: OwnerID(num("owner")),
					Price: Price(num("price")), Qty: Qty(num("qty"))}}, out)
			case "mass-cancel":
				out = b.Apply([]Command{{Kind: CmdMassCancel, Owner: OwnerID(num("owner")), Side: parseSide(t, d, args["side"])}}, out)
			case "expire":
				out = b.ExpireUpTo(num("block"), num("time"), out)
			case "reference-price":
				out = b.OnReferencePrice(Price(num("price")), out)
			case "band":
				b.SetBand(Price(num("lo")), Price(num("hi")))
				return "ok\n"
			case "auction":
				out = b.RunAuction(Price(num("ref")), out)
			case "clearing":
				p, v, ok := b.ClearingPrice(Price(num("ref")))
				if !ok {
					return "no cross\n"
				}
				return fmt.Sprintf("price=%d volume=%d\n", p, v)
			case "book":
				return formatBook(b)
			case "dirty":
				var sb strings.Builder
				for _, k := range b.DirtyLevels(nil) {
					kind := "level"
					if k.Stop {
						kind = "stop"
					}
					fmt.Fprintf(&sb, "%s %s %d: %d orders\n", kind, k.Side, k.Price, len(b.LevelOrders(k, nil)))
				}
				b.Checkpoint()
				return sb.String()
			case "restart":
				st := store{}
				// Persist everything, not only the dirty levels.
				for _, s := range []Side{Buy, Sell} {
					for _, stop := range []bool{false, true} {
						for _, o := range collect(b, stop, s) {
							k := LevelKey{Stop: stop, Side: s, Price: o.Price}
							if stop {
								k.Price = o.TriggerPrice
							}
							st[k] = append(st[k], o)
						}
					}
				}
				b = st.restore(t, b.Mode(), b.Meta())
				return formatBook(b)
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
			}
			if err := b.CheckInvariants(); err != nil {
				d.Fatalf(t, "invariants: %v", err)
			}
			if len(out) == 0 {
				return "ok\n"
			}
			return formatEvents(out)
		})
	})
}

func parseSide(t *testing.T, d *datadriven.TestData, s string) Side {
	switch s {
	case "buy":
		return Buy
	case "sell":
		return Sell
	case "":
		return SideNone
	}
	d.Fatalf(t, "bad side %q", s)
	return 0
}

func parseEnum(t *testing.T, d *datadriven.TestData, s string, names []string) int {
	if s == "" {
		return 0
	}
	for i, n := range names {
		if n == s {
			return i
		}
	}
	d.Fatalf(t, "unknown value %q (want one of %v)", s, names)
	return 0
}

// formatBook prints asks from the highest price down to the best, then bids
// from the best down, then the trigger book in trigger order.
func formatBook(b *Book) string {
	var sb strings.Builder
	levels := func(orders []Order, stop bool) []string {
		var lines []string
		for i := 0; i < len(orders); {
			key := orders[i].Price
			if stop {
				key = orders[i].TriggerPrice
			}
			var parts []string
			j := i
			for ; j < len(orders); j++ {
				o := orders[j]
				k := o.Price
				if stop {
					k = o.TriggerPrice
				}
				if k != key {
					break
				}
				p := fmt.Sprintf("#%d/%d:%d", o.ID, o.Owner, o.Qty)
				if stop {
					p += fmt.Sprintf("@%d(%s)", o.Price, o.Type)
				}
				if o.TIF != GTC {
					p += "," + o.TIF.String()
				}
				parts = append(parts, p)
			}
			lines = append(lines, fmt.Sprintf("  %d: %s", key, strings.Join(parts, " ")))
			i = j
		}
		return lines
	}
	asks := levels(collect(b, false, Sell), false)
	sb.WriteString("asks:\n")
	for i := len(asks) - 1; i >= 0; i-- {
		sb.WriteString(asks[i] + "\n")
	}
	sb.WriteString("bids:\n")
	for _, l := range levels(collect(b, false, Buy), false) {
		sb.WriteString(l + "\n")
	}
	if b.StopLen() > 0 {
		sb.WriteString("stop buys:\n")
		for _, l := range levels(collect(b, true, Buy), true) {
			sb.WriteString(l + "\n")
		}
		sb.WriteString("stop sells:\n")
		for _, l := range levels(collect(b, true, Sell), true) {
			sb.WriteString(l + "\n")
		}
	}
	return sb.String()
}
