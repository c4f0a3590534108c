package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReplayBlockEqualsCommitted runs a real node, trades on it (a taker
// crossing two resting orders), stops it, and re-executes with `cleard
// replay-block` the block where the fills happened and then every block of
// the chain: fills, events and app hashes must equal the committed ones.
func TestReplayBlockEqualsCommitted(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	home := filepath.Join(dir, "node")
	const chainID = "e2e-replay-1"
	rpcPort, p2pPort, grpcPort := freePort(t), freePort(t), freePort(t)
	rpc := fmt.Sprintf("http://127.0.0.1:%d", rpcPort)
	kr := []string{"--keyring-backend", "test", "--home", home}

	mustCleard(t, "init", "replay-node", "--chain-id", chainID, "--home", home)
	addr := map[string]string{}
	for _, k := range []string{"validator", "regulator", "issuer", "alice", "bob"} {
		mustCleard(t, append([]string{"keys", "add", k}, kr...)...)
		addr[k] = strings.TrimSpace(mustCleard(t, append([]string{"keys", "show", k, "-a"}, kr...)...))
		amt := "5000000000uclear"
		if k == "validator" {
			amt = "1000000000000uclear"
		}
		mustCleard(t, "genesis", "add-genesis-account", addr[k], amt, "--home", home)
	}
	mustCleard(t, "genesis", "set-regulator", addr["regulator"], "--home", home)
	editJSON(t, filepath.Join(home, "config", "genesis.json"), func(g map[string]any) {
		g["app_state"].(map[string]any)["exchange"].(map[string]any)["params"].(map[string]any)["authority"] = addr["regulator"]
	})
	mustCleard(t, append([]string{"genesis", "grant-licence", "validator", "validator-operator", "--lei", "5299000REPLAYVALIDAT",
		"--entity-name", "Replay Validator SA", "--jurisdiction", "LU"}, kr...)...)
	mustCleard(t, append([]string{"genesis", "grant-licence", "alice", "institution", "--lei", "5299000REPLAYALICE01",
		"--entity-name", "Alice Bank AG", "--jurisdiction", "DE"}, kr...)...)
	mustCleard(t, append([]string{"genesis", "grant-licence", "bob", "institution", "--lei", "5299000REPLAYBOB0001",
		"--entity-name", "Bob Securities SA", "--jurisdiction", "FR"}, kr...)...)
	mustCleard(t, append([]string{"genesis", "grant-licence", "issuer", "issuer", "--lei", "5299000REPLAYISSUER1",
		"--entity-name", "Issuer Ltd", "--jurisdiction", "LU"}, kr...)...)
	mustCleard(t, append([]string{"genesis", "gentx", "validator", "500000000000uclear", "--chain-id", chainID}, kr...)...)
	mustCleard(t, "genesis", "collect-gentxs", "--home", home)
	cfg := filepath.Join(home, "config", "config.toml")
	bz, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bz = regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(bz, []byte(`timeout_commit = "300ms"`))
	if err := os.WriteFile(cfg, bz, 0o644); err != nil {
		t.Fatal(err)
	}

	node := exec.Command(cleardBin, "start", "--home", home, "--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort), "--grpc.address", fmt.Sprintf("127.0.0.1:%d", grpcPort),
		"--rpc.pprof_laddr", "", "--api.enable=false", "--log_level", "warn")
	logf, err := os.Create(filepath.Join(dir, "node.log"))
	if err != nil {
		t.Fatal(err)
	}
	node.Env = append(os.Environ(), "HOME="+fakeHome)
	node.Stdout, node.Stderr = logf, logf
	if err := node.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if node.ProcessState == nil {
			_ = node.Process.Kill()
			_ = node.Wait()
		}
		_ = logf.Close()
		if t.Failed() {
			bz, _ := os.ReadFile(filepath.Join(dir, "node.log"))
			t.Logf("node log tail:\n%s", lastLines(string(bz), 20))
		}
	})
	waitHeight(t, rpc, 2, 90*time.Second)

	// tx sends a tx and returns the height it was committed at.
	tx := func(from string, args ...string) int64 {
		t.Helper()
		full := append(append([]string{"tx"}, args...), "--from", from, "--chain-id", chainID, "--node", rpc,
			"--gas", "2000000", "--fees", "5000uclear", "--yes", "--output", "json")
		out := mustCleard(t, append(full, kr...)...)
		var r struct {
			Code   uint32 `json:"code"`
			TxHash string `json:"txhash"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Code != 0 {
			t.Fatalf("tx %v: %v %s", args, err, out)
		}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if h, code, ok := txResult(rpc, r.TxHash); ok {
				if code != 0 {
					t.Fatalf("tx %v failed in its block with code %d", args, code)
				}
				return h
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("tx %v (%s) not committed", args, r.TxHash)
		return 0
	}
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
	if err := node.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = node.Wait()

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
