package cmd

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"text/template"
	"time"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// TestInitConfigIndexesOnlyWhatClientsQuery: app.toml from `cleard init`
// lists index-events (an empty list indexes every event attribute,
// including each order's and each fill's).
func TestInitConfigIndexesOnlyWhatClientsQuery(t *testing.T) {
	tmpl, cfg := initAppConfig()
	c := cfg.(clearAppConfig)
	if len(c.IndexEvents) == 0 {
		t.Fatal("app.toml index-events is empty: the node indexes every event")
	}
	var buf bytes.Buffer
	if err := template.Must(template.New("app").Parse(tmpl)).Execute(&buf, c); err != nil {
		t.Fatal(err)
	}
	if want := `index-events = ["message.sender", ]`; !bytes.Contains(buf.Bytes(), []byte(want)) {
		t.Fatalf("app.toml does not contain %s", want)
	}
}

// TestInitConfigRPCWriteTimeoutServesLargeBlockResults: the RPC write
// timeout (max(10 s, timeout_broadcast_tx_commit + 1 s)) leaves time to
// write the results of a full block.
func TestInitConfigRPCWriteTimeoutServesLargeBlockResults(t *testing.T) {
	if got := initCometBFTConfig().RPC.TimeoutBroadcastTxCommit; got < 30*time.Second {
		t.Fatalf("timeout_broadcast_tx_commit = %s: the RPC write timeout stays at 10 s", got)
	}
}

// TestInitBoundsBlockGas: `cleard init` writes a bounded block.max_gas into
// genesis (CometBFT's default -1 lets one block take the whole mempool).
func TestInitBoundsBlockGas(t *testing.T) {
	home := initHome(t)
	g, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Consensus.Params.Block.MaxGas; got != BlockMaxGas {
		t.Fatalf("genesis block.max_gas = %d, want %d", got, BlockMaxGas)
	}
}

// TestInitWritesTimeoutCommit: `cleard init` writes config.toml with
// timeout_commit = TimeoutCommit (300 ms), the pace bench-e2e's 10,000
// orders/s were measured at (docs/benchmarks.md, "Node throughput, stop 23").
func TestInitWritesTimeoutCommit(t *testing.T) {
	home := initHome(t)
	bz, err := os.ReadFile(filepath.Join(home, "config", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `timeout_commit = "300ms"`; !bytes.Contains(bz, []byte(want)) {
		m := regexp.MustCompile(`(?m)^timeout_commit = .*$`).Find(bz)
		t.Fatalf("config.toml has %q, want %s", m, want)
	}
}

var (
	initOnce sync.Once
	initDir  string
	initErr  error
)

// initHome runs `cleard init` once per test binary (the root command seals
// the SDK config, so a second NewRootCmd panics) and returns its home.
func initHome(t *testing.T) string {
	t.Helper()
	initOnce.Do(func() {
		if initDir, initErr = os.MkdirTemp("", "cleard-init-test-"); initErr != nil {
			return
		}
		root, err := NewRootCmd()
		if err != nil {
			initErr = err
			return
		}
		root.SetArgs([]string{"init", "init-test", "--chain-id", "init-test", "--home", initDir})
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		initErr = svrcmd.Execute(root, "", initDir)
	})
	if initErr != nil {
		t.Fatal(initErr)
	}
	return initDir
}
