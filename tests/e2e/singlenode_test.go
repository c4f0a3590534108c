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

// singleNode is a one-validator cleard chain for an end-to-end test: a
// home with test-keyring keys (each funded at genesis), a regulator that
// is also the exchange's authority, a licensed validator operator, the
// node started on free loopback ports with 300 ms blocks, and a tx helper.
// The replay, surveillance and market-maker bot tests share it.
type singleNode struct {
	t                  *testing.T
	dir, home, chainID string
	rpc                string
	grpcPort           int
	kr                 []string          // --keyring-backend test --home HOME
	addr               map[string]string // key name → address
	node               *exec.Cmd
}

// startSingleNode builds the chain's genesis with the given keys (the
// first must be "validator", one must be "regulator"), lets genesis add
// what the test needs (licences, ...) before the gentx, starts the node
// and waits for height 2. The node is killed at the end of the test
// unless stop was called.
func startSingleNode(t *testing.T, chainID, validatorLEI string, keys []string, genesis func(n *singleNode)) *singleNode {
	t.Helper()
	needBinary(t)
	dir := t.TempDir()
	n := &singleNode{t: t, dir: dir, home: filepath.Join(dir, "node"), chainID: chainID, addr: map[string]string{}}
	n.kr = []string{"--keyring-backend", "test", "--home", n.home}
	rpcPort, p2pPort, grpcPort := freePort(t), freePort(t), freePort(t)
	n.rpc = fmt.Sprintf("http://127.0.0.1:%d", rpcPort)
	n.grpcPort = grpcPort

	mustCleard(t, "init", chainID+"-node", "--chain-id", chainID, "--home", n.home)
	for _, k := range keys {
		mustCleard(t, append([]string{"keys", "add", k}, n.kr...)...)
		n.addr[k] = strings.TrimSpace(mustCleard(t, append([]string{"keys", "show", k, "-a"}, n.kr...)...))
		amt := "5000000000uclear"
		if k == "validator" {
			amt = "1000000000000uclear"
		}
		mustCleard(t, "genesis", "add-genesis-account", n.addr[k], amt, "--home", n.home)
	}
	mustCleard(t, "genesis", "set-regulator", n.addr["regulator"], "--home", n.home)
	editJSON(t, filepath.Join(n.home, "config", "genesis.json"), func(g map[string]any) {
		g["app_state"].(map[string]any)["exchange"].(map[string]any)["params"].(map[string]any)["authority"] = n.addr["regulator"]
	})
	mustCleard(t, append([]string{"genesis", "grant-licence", "validator", "validator-operator", "--lei", validatorLEI,
		"--entity-name", chainID + " Validator SA", "--jurisdiction", "LU"}, n.kr...)...)
	if genesis != nil {
		genesis(n)
	}
	mustCleard(t, append([]string{"genesis", "gentx", "validator", "500000000000uclear", "--chain-id", chainID}, n.kr...)...)
	mustCleard(t, "genesis", "collect-gentxs", "--home", n.home)
	cfg := filepath.Join(n.home, "config", "config.toml")
	bz, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bz = regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(bz, []byte(`timeout_commit = "300ms"`))
	if err := os.WriteFile(cfg, bz, 0o644); err != nil {
		t.Fatal(err)
	}

	n.node = exec.Command(cleardBin, "start", "--home", n.home, "--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort), "--grpc.address", fmt.Sprintf("127.0.0.1:%d", grpcPort),
		"--rpc.pprof_laddr", "", "--api.enable=false", "--log_level", "warn")
	logf, err := os.Create(filepath.Join(dir, "node.log"))
	if err != nil {
		t.Fatal(err)
	}
	n.node.Env = append(os.Environ(), "HOME="+fakeHome)
	n.node.Stdout, n.node.Stderr = logf, logf
	if err := n.node.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if n.node.ProcessState == nil {
			_ = n.node.Process.Kill()
			_ = n.node.Wait()
		}
		_ = logf.Close()
		if t.Failed() {
			bz, _ := os.ReadFile(filepath.Join(dir, "node.log"))
			t.Logf("node log tail:\n%s", lastLines(string(bz), 20))
		}
	})
	waitHeight(t, n.rpc, 2, 90*time.Second)
	return n
}

// grantGenesisLicence licenses key as its own legal entity in genesis (call
// it from startSingleNode's genesis function).
func (n *singleNode) grantGenesisLicence(key, kind, lei, name, jurisdiction string) {
	n.t.Helper()
	mustCleard(n.t, append([]string{"genesis", "grant-licence", key, kind, "--lei", lei, "--entity-name", name,
		"--jurisdiction", jurisdiction}, n.kr...)...)
}

// tx sends a tx from the key, waits until it is committed and returns its
// height; a tx refused at broadcast or failed in its block fails the test.
func (n *singleNode) tx(from string, args ...string) int64 {
	t := n.t
	t.Helper()
	full := append(append([]string{"tx"}, args...), "--from", from, "--chain-id", n.chainID, "--node", n.rpc,
		"--gas", "2000000", "--fees", "5000uclear", "--yes", "--output", "json")
	out := mustCleard(t, append(full, n.kr...)...)
	var r struct {
		Code   uint32 `json:"code"`
		TxHash string `json:"txhash"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Code != 0 {
		t.Fatalf("tx %v: %v %s", args, err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if h, code, ok := txResult(n.rpc, r.TxHash); ok {
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

// query runs `cleard query ARGS --output json` against the node.
func (n *singleNode) query(args ...string) string {
	n.t.Helper()
	return mustCleard(n.t, append(append([]string{"query"}, args...), "--node", n.rpc, "--output", "json")...)
}

// stop stops the node cleanly (SIGTERM) and waits for it to exit.
func (n *singleNode) stop() {
	n.t.Helper()
	if err := n.node.Process.Signal(syscall.SIGTERM); err != nil {
		n.t.Fatal(err)
	}
	_ = n.node.Wait()
}
