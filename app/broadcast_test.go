package app

import (
	"context"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// TestBroadcastTxBuildsNoQueryContext: the SDK ran BroadcastTx behind the
// query interceptor, which builds a query context (a cache-wrapped
// multistore at the latest version) for every call — ~12% of the node's CPU
// under load. On an app with no committed block that context cannot be
// built, so the call failed there; through broadcastFastPath it reaches the
// tx service itself (here: a client context with no CometBFT client, so
// "offline mode"). Failed before broadcast.go (the query-context error).
func TestBroadcastTxBuildsNoQueryContext(t *testing.T) {
	a := newSimApp(t, dbm.NewMemDB(), t.TempDir())
	a.RegisterTxService(client.Context{}.WithTxConfig(a.TxConfig()))
	conn := serveGRPC(t, a)
	_, err := txtypes.NewServiceClient(conn).BroadcastTx(context.Background(),
		&txtypes.BroadcastTxRequest{TxBytes: []byte{1}, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	require.Error(t, err)
	require.Contains(t, err.Error(), "offline", "BroadcastTx went through the query context: %v", err)
}
