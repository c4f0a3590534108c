package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/client/cli"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// laneCtx is a client context with an in-memory keyring holding alice (a
// local secp256k1 key) and offline (a public key only).
func laneCtx(t *testing.T) (client.Context, sdk.AccAddress) {
	t.Helper()
	ir := codectypes.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)
	kr := keyring.NewInMemory(cdc)
	rec, _, err := kr.NewMnemonic("alice", keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	require.NoError(t, err)
	addr, err := rec.GetAddress()
	require.NoError(t, err)
	_, err = kr.SaveOfflineKey("offline", ed25519.GenPrivKey().PubKey())
	require.NoError(t, err)
	ctx := client.Context{}.WithCodec(cdc).WithInterfaceRegistry(ir).WithKeyring(kr).
		WithChainID("clearchain-test").WithFromName("alice").WithFromAddress(addr)
	return ctx, addr
}

const laneOrderJSON = `{"market_id":1,"side":"SIDE_BUY","price":500,"quantity":10,"client_order_id":"bid-1"}`

// checkLaneTx decodes bz as the node does and checks what alice signed.
func checkLaneTx(t *testing.T, ctx client.Context, owner sdk.AccAddress, bz []byte, timeout time.Time) {
	t.Helper()
	o, err := types.DecodeLaneTx(bz)
	require.NoError(t, err)
	require.Equal(t, owner.String(), o.Msg.Owner)
	require.Equal(t, types.OrderSpec{MarketId: 1, Side: types.Side_SIDE_BUY, Price: 500, Quantity: 10, ClientOrderId: "bid-1"}, o.Msg.Order)
	require.Equal(t, uint64(timeout.UnixNano()), o.TimeoutUnixNano)
	rec, err := ctx.Keyring.Key("alice")
	require.NoError(t, err)
	pub, err := rec.GetPubKey()
	require.NoError(t, err)
	require.Equal(t, pub.Bytes(), o.PubKey)
	require.True(t, pub.VerifySignature(types.LaneSignDoc(ctx.ChainID, o.TimeoutUnixNano, o.OrderBytes), o.Signature),
		"the signature does not verify over the lane's sign doc")
	require.False(t, pub.VerifySignature(types.LaneSignDoc("other-chain", o.TimeoutUnixNano, o.OrderBytes), o.Signature),
		"the signature must bind the chain id")
}

// TestSignLaneOrder: the order spec as "tx exchange place" takes it,
// signed by the --from key for the chain, until the timeout: what the
// node's lane decoder and signature check accept.
func TestSignLaneOrder(t *testing.T) {
	ctx, owner := laneCtx(t)
	timeout := time.Unix(1_800_000_000, 123)
	bz, err := cli.SignLaneOrder(ctx, laneOrderJSON, timeout, time.Minute)
	require.NoError(t, err)
	checkLaneTx(t, ctx, owner, bz, timeout)
}

// TestSignLaneOrderRefusesBadInput: nothing is signed for a malformed or
// invalid order, an out-of-range timeout, a missing chain id or key, or a
// key that is not a local secp256k1 key.
func TestSignLaneOrderRefusesBadInput(t *testing.T) {
	ctx, _ := laneCtx(t)
	now := time.Unix(1_800_000_000, 0)
	for name, tc := range map[string]struct {
		ctx   client.Context
		order string
		ttl   time.Duration
		want  string
	}{
		"not json":         {ctx, `{"market_id":`, time.Minute, "order-json"},
		"unknown field":    {ctx, `{"market_id":1,"colour":"red"}`, time.Minute, "order-json"},
		"price 0":          {ctx, `{"market_id":1,"side":"SIDE_BUY","price":0,"quantity":10}`, time.Minute, "price"},
		"no market":        {ctx, `{"side":"SIDE_BUY","price":5,"quantity":10}`, time.Minute, "market"},
		"zero timeout":     {ctx, laneOrderJSON, 0, "lane-timeout"},
		"timeout over 10m": {ctx, laneOrderJSON, 11 * time.Minute, "lane-timeout"},
		"no chain id":      {ctx.WithChainID(""), laneOrderJSON, time.Minute, "chain id"},
		"no key":           {ctx.WithFromName(""), laneOrderJSON, time.Minute, "--from"},
		"unknown key":      {ctx.WithFromName("bob"), laneOrderJSON, time.Minute, "bob"},
		"offline key":      {ctx.WithFromName("offline"), laneOrderJSON, time.Minute, "not a local key"},
	} {
		t.Run(name, func(t *testing.T) {
			bz, err := cli.SignLaneOrder(tc.ctx, tc.order, now.Add(tc.ttl), tc.ttl)
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, bz)
		})
	}
}

// TestPlaceLaneCmdGenerateOnly: the command's flags reach the signer and
// --generate-only prints the signed tx (base64) instead of sending it.
func TestPlaceLaneCmdGenerateOnly(t *testing.T) {
	ctx, owner := laneCtx(t)
	var out bytes.Buffer
	ctx = ctx.WithGenerateOnly(true).WithOutput(&out) // as the root command's pre-run sets it
	cmd := cli.PlaceLaneCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{laneOrderJSON, "--lane-timeout", "30s", "--generate-only", "--from", "alice", "--chain-id", ctx.ChainID})
	before := time.Now()
	require.NoError(t, cmd.ExecuteContext(context.WithValue(t.Context(), client.ClientContextKey, &ctx)), out.String())
	after := time.Now()
	bz, err := base64.StdEncoding.DecodeString(strings.TrimSpace(out.String()))
	require.NoError(t, err, out.String())
	o, err := types.DecodeLaneTx(bz)
	require.NoError(t, err)
	ts := time.Unix(0, int64(o.TimeoutUnixNano))
	require.False(t, ts.Before(before.Add(30*time.Second)) || ts.After(after.Add(30*time.Second)), "timeout %s not 30s after the command ran", ts)
	checkLaneTx(t, ctx, owner, bz, ts)

	cmd = cli.PlaceLaneCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{laneOrderJSON, "--lane-timeout", "1h", "--generate-only", "--from", "alice", "--chain-id", ctx.ChainID})
	require.ErrorContains(t, cmd.ExecuteContext(context.WithValue(t.Context(), client.ClientContextKey, &ctx)), "lane-timeout")
}
