package cmd

import (
	"bytes"
	"testing"
	"text/template"
	"time"
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
