package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBotQuotesRefreshesAndDiesSafely runs the reference market-maker bot
// (the real clear-mm binary) against a running node: it quotes both sides of
// the market; it refreshes with one unordered tx holding a batch replace
// that cancels its previous quotes by client order id, plus its heartbeat;
// each such tx uses exactly its fixed order gas (gas used = gas wanted, set
// from the formula without simulation). Killed, it stops renewing the
// heartbeat and the exchange's dead-man switch cancels its quotes
// (reason heartbeat-lapsed).
func TestBotQuotesRefreshesAndDiesSafely(t *testing.T) {
	const chainID = "e2e-bot-1"
	n := startSingleNode(t, chainID, "5299000BOTVALIDATOR1", []string{"validator", "regulator", "issuer", "mm", "taker"}, nil)
	dir, rpc, kr, addr, grpcPort := n.dir, n.rpc, n.kr, n.addr, n.grpcPort
	tx := func(from string, args ...string) {
		t.Helper()
		n.tx(from, args...)
	}
	query := func(out any, args ...string) {
		t.Helper()
		s := n.query(args...)
		if err := json.Unmarshal([]byte(s), out); err != nil {
			t.Fatalf("query %v: %v\n%s", args, err, s)
		}
	}
	entityID := func(lei string) string {
		var r struct {
			Entities []struct{ ID, Lei string } `json:"entities"`
		}
		query(&r, "compliance", "entities")
		for _, e := range r.Entities {
			if e.Lei == lei {
				return e.ID
			}
		}
		t.Fatalf("no entity %s", lei)
		return ""
	}

	// A licensed market maker with exchange balances on one market.
	tx("regulator", "compliance", "register-entity", "Bot Markets BV", "724500BOTMARKETS0001", "NL", "--reason", "onboarding")
	tx("regulator", "compliance", "register-entity", "Issuer Ltd", "213800BOTISSUER00001", "DE", "--reason", "onboarding")
	tx("regulator", "compliance", "grant-licence", addr["mm"], entityID("724500BOTMARKETS0001"), "market-maker", "--reason", "onboarding")
	tx("regulator", "compliance", "grant-licence", addr["issuer"], entityID("213800BOTISSUER00001"), "issuer", "--reason", "onboarding")
	tx("issuer", "assets", "create", "eurc", "Euro cash token", "cash", "--decimals", "6")
	tx("issuer", "assets", "create", "wthr", "Weather dataset shares", "data-asset", "--decimals", "0")
	eurc, wthr := "asset/"+addr["issuer"]+"/eurc", "asset/"+addr["issuer"]+"/wthr"
	tx("issuer", "assets", "mint", eurc, "1000000000", addr["mm"])
	tx("issuer", "assets", "mint", wthr, "1000", addr["mm"])
	tx("regulator", "exchange", "create-market", fmt.Sprintf(`{"base_denom":%q,"quote_denom":%q,"tick_size":"1","lot_size":"1","min_notional":"1","maker_fee_bps":0,"taker_fee_bps":10,"mode":"MARKET_MODE_CONTINUOUS"}`, wthr, eurc))
	tx("mm", "exchange", "deposit", "500000000"+eurc)
	tx("mm", "exchange", "deposit", "500"+wthr)

	// The bot: 2 levels a side around 1250, a refresh every 2 blocks, a
	// heartbeat of 6 blocks.
	keyOut := mustCleard(t, append([]string{"keys", "export", "mm", "--unarmored-hex", "--unsafe", "-y"}, kr...)...)
	key := regexp.MustCompile(`(?m)^[0-9a-fA-F]{64}$`).FindString(keyOut)
	if key == "" {
		t.Fatalf("keys export: no hex key in %q", keyOut)
	}
	const heartbeat = 6
	mmCfg := filepath.Join(dir, "mm.yaml")
	if err := os.WriteFile(mmCfg, []byte(fmt.Sprintf(`grpc: 127.0.0.1:%d
chain_id: %s
prefix: clear
private_key_hex: %s
fees: 5000uclear
market: 1
reference_price: 1250
spread_bps: 80
level_step_ticks: 2
levels: 2
quantity: 5
skew_bps_per_lot: 1
max_inventory: 100
refresh_blocks: 2
heartbeat_blocks: %d
metrics_listen: ""
`, grpcPort, chainID, key, heartbeat)), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := os.Getenv("E2E_CLEAR_MM")
	if bin == "" {
		bin = filepath.Join(dir, "clear-mm")
		build := exec.Command("go", "build", "-o", bin, "./cmd/clear-mm")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building clear-mm: %v\n%s", err, out)
		}
	}
	var logs bytes.Buffer
	bot := exec.Command(bin, "run", "--config", mmCfg)
	bot.Stdout, bot.Stderr = &logs, &logs
	if err := bot.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if bot.ProcessState == nil {
			_ = bot.Process.Kill()
			_ = bot.Wait()
		}
		if t.Failed() {
			t.Logf("clear-mm log:\n%s", lastLines(logs.String(), 40))
		}
	})

	type order struct {
		ID            string `json:"id"`
		Side          string `json:"side"`
		ClientOrderID string `json:"client_order_id"`
	}
	openOrders := func() []order {
		var r struct {
			Orders []order `json:"orders"`
		}
		query(&r, "exchange", "orders", addr["mm"])
		return r.Orders
	}
	// Wait until the bot has refreshed at least three times.
	start := latestHeight(t, rpc)
	deadline := time.Now().Add(90 * time.Second)
	for strings.Count(logs.String(), "refresh around") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not refresh three times within 90 s (from height %d)", start)
		}
		time.Sleep(200 * time.Millisecond)
	}
	waitHeight(t, rpc, latestHeight(t, rpc)+1, 30*time.Second)
	sides := map[string]int{}
	live := openOrders()
	for _, o := range live {
		sides[o.Side]++
		if !strings.HasPrefix(o.ClientOrderID, "mm-") {
			t.Fatalf("a quote without the bot's client id: %+v", o)
		}
	}
	if sides["SIDE_BUY"] == 0 || sides["SIDE_SELL"] == 0 {
		t.Fatalf("the bot does not quote both sides: %+v", live)
	}

	// Its txs: each a batch replace cancelling by client id plus a
	// heartbeat, at exactly the fixed gas it asked for.
	var txs struct {
		Txs []struct {
			Code      uint32 `json:"code"`
			GasWanted string `json:"gas_wanted"`
			GasUsed   string `json:"gas_used"`
			Tx        struct {
				Body struct {
					Messages []struct {
						Type    string `json:"@type"`
						Cancels []struct {
							OrderID       string `json:"order_id"`
							ClientOrderID string `json:"client_order_id"`
						} `json:"cancels"`
						Places       []json.RawMessage `json:"places"`
						WindowBlocks string            `json:"window_blocks"`
					} `json:"messages"`
					Unordered bool `json:"unordered"`
				} `json:"body"`
			} `json:"tx"`
		} `json:"txs"`
	}
	query(&txs, "txs", "--query", fmt.Sprintf("message.sender='%s' AND tx.height>%d", addr["mm"], start-1), "--limit", "100")
	replaces, byClientID := 0, 0
	for _, r := range txs.Txs {
		m := r.Tx.Body.Messages
		if len(m) != 2 || m[0].Type != "/clearchain.exchange.v1.MsgBatch" || m[1].Type != "/clearchain.exchange.v1.MsgHeartbeat" {
			continue // the deposits
		}
		if r.Code != 0 || !r.Tx.Body.Unordered || m[1].WindowBlocks != fmt.Sprint(heartbeat) || len(m[0].Places) == 0 {
			t.Fatalf("a refresh tx: code %d unordered %v messages %+v", r.Code, r.Tx.Body.Unordered, m)
		}
		if r.GasUsed != r.GasWanted {
			t.Fatalf("a refresh tx used %s gas of %s: not its fixed order gas", r.GasUsed, r.GasWanted)
		}
		if len(m[0].Cancels) > 0 {
			replaces++
			for _, c := range m[0].Cancels {
				if strings.HasPrefix(c.ClientOrderID, "mm-") && (c.OrderID == "" || c.OrderID == "0") {
					byClientID++
				}
			}
		}
	}
	if replaces < 2 || byClientID == 0 {
		t.Fatalf("want ≥ 2 batch replaces cancelling by client id, got %d replaces, %d cancels by client id (%d txs)", replaces, byClientID, len(txs.Txs))
	}
	t.Logf("the bot quoted %d bids and %d asks; %d batch replaces (%d cancels by client id), each with its heartbeat at its fixed gas",
		sides["SIDE_BUY"], sides["SIDE_SELL"], replaces, byClientID)

	// Kill it: no more heartbeats. Within the window the dead-man switch
	// cancels every quote.
	if err := bot.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = bot.Wait()
	killed := latestHeight(t, rpc)
	atKill := openOrders()
	if len(atKill) == 0 {
		refreshes := regexp.MustCompile(`height (\d+): refresh around`).FindAllStringSubmatch(logs.String(), -1)
		lastH := refreshes[len(refreshes)-1][1]
		for i := 0; i < 4; i++ {
			var st map[string]any
			query(&st, "exchange", "order-status-by-client-id", addr["mm"], fmt.Sprintf("mm-%s-%d", lastH, i))
			t.Logf("mm-%s-%d: %v", lastH, i, st)
		}
		t.Fatalf("no quotes left right after the kill at height %d", killed)
	}
	waitHeight(t, rpc, killed+heartbeat+3, 60*time.Second)
	if left := openOrders(); len(left) != 0 {
		t.Fatalf("%d quotes still open %d blocks after the bot died: %+v", len(left), heartbeat+3, left)
	}
	lapsed := 0
	for _, o := range atKill {
		var st struct {
			Status struct {
				State      string `json:"state"`
				ReasonText string `json:"reason_text"`
			} `json:"status"`
		}
		query(&st, "exchange", "order-status-by-client-id", addr["mm"], o.ClientOrderID)
		if st.Status.ReasonText == "heartbeat-lapsed" {
			lapsed++
		}
	}
	if lapsed == 0 {
		t.Fatalf("none of the %d quotes open at the kill was cancelled by the dead-man switch", len(atKill))
	}
	t.Logf("killed at height %d: %d quotes open; %d blocks later none, %d cancelled heartbeat-lapsed", killed, len(atKill), heartbeat+3, lapsed)
}
