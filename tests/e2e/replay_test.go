package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReplayBlockEqualsCommitted runs a real node, trades on it (a taker
// crossing two resting orders), stops it, and re-executes with `cleard
// replay-block` the block where the fills happened and then every block of
// the chain: fills, events and app hashes must equal the committed ones.
func TestReplayBlockEqualsCommitted(t *testing.T) {
	n := startSingleNode(t, "e2e-replay-1", "5299000REPLAYVALIDAT", []string{"validator", "regulator", "issuer", "alice", "bob"},
		func(n *singleNode) {
			n.grantGenesisLicence("alice", "institution", "5299000REPLAYALICE01", "Alice Bank AG", "DE")
			n.grantGenesisLicence("bob", "institution", "5299000REPLAYBOB0001", "Bob Securities SA", "FR")
			n.grantGenesisLicence("issuer", "issuer", "5299000REPLAYISSUER1", "Issuer Ltd", "LU")
		})
	tx, addr, home, rpc := n.tx, n.addr, n.home, n.rpc
	tx("issuer", "assets", "create", "eurc", "Euro cash token", "cash", "--decimals", "6")
	tx("issuer", "assets", "create", "wthr", "Weather dataset shares", "data-asset", "--decimals", "0")
	eurc, wthr := "asset/"+addr["issuer"]+"/eurc", "asset/"+addr["issuer"]+"/wthr"
	for _, who := range []string{"alice", "bob"} {
		tx("issuer", "assets", "mint", eurc, "1000000000", addr[who])
		tx("issuer", "assets", "mint", wthr, "1000", addr[who])
	}
	tx("regulator", "exchange", "create-market", fmt.Sprintf(`{"base_denom":%q,"quote_denom":%q,"tick_size":"1","lot_size":"1","min_notional":"1","maker_fee_bps":0,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS"}`, wthr, eurc))
	for _, who := range []string{"alice", "bob"} {
		tx(who, "exchange", "deposit", "500000000"+eurc)
		tx(who, "exchange", "deposit", "500"+wthr)
	}
	order := func(side string, price, qty int) string {
		return fmt.Sprintf(`{"market_id":1,"side":"SIDE_%s","price":%d,"quantity":%d}`, side, price, qty)
	}
	tx("alice", "exchange", "place", order("SELL", 1250, 5))
	tx("alice", "exchange", "place", order("SELL", 1252, 10))
	fillHeight := tx("bob", "exchange", "place", order("BUY", 1252, 12)) // crosses both levels: 2 fills
	waitHeight(t, rpc, fillHeight+2, 30*time.Second)

	// Stop the node cleanly, then replay from its data.
	n.stop()

	out := mustCleard(t, "replay-block", fmt.Sprint(fillHeight), "--home", home)
	t.Logf("replay-block %d:\n%s", fillHeight, out)
	if !strings.Contains(out, fmt.Sprintf("block %d: ", fillHeight)) || !strings.Contains(out, "fills committed 2, re-executed 2") ||
		!strings.Contains(out, ": equal") {
		t.Fatalf("replay of the fill block is not equal:\n%s", out)
	}
	// Every block from 2 to the fill block + 1, committed on the copy one
	// after the other.
	res := cleard(t, 10*time.Minute, "replay-block", "2", "--to", fmt.Sprint(fillHeight+1), "--home", home)
	if res.code != 0 || strings.Contains(res.stdout, "DIFFERENT") || !strings.Contains(res.stdout, "app hashes equal the committed ones") {
		t.Fatalf("replay of blocks 2..%d: exit %d\n%s\n%s", fillHeight+1, res.code, lastLines(res.stdout, 20), res.stderr)
	}
	// A height beyond the chain is refused with a clear error.
	bad := cleard(t, time.Minute, "replay-block", fmt.Sprint(fillHeight+1000), "--home", home)
	if bad.code == 0 || !strings.Contains(bad.stderr+bad.stdout, "the block store holds heights") {
		t.Fatalf("a height beyond the chain: exit %d\n%s%s", bad.code, bad.stdout, bad.stderr)
	}
}
