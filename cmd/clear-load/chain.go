package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/app"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// key returns the deterministic key called name: anyone with the same
// seed derives the same account (the bench script puts the regulator's
// address in genesis with `clear-load address`).
func key(seed, name string) *secp256k1.PrivKey {
	h := sha256.Sum256([]byte("clear-load/" + seed + "/" + name))
	return secp256k1.GenPrivKeyFromSecret(h[:])
}

// account is a signing account whose sequence the tool tracks itself.
type account struct {
	name        string
	priv        *secp256k1.PrivKey
	addr        sdk.AccAddress
	accNum, seq uint64
}

func newAccount(seed, name string) *account {
	p := key(seed, name)
	return &account{name: name, priv: p, addr: sdk.AccAddress(p.PubKey().Address())}
}

// chain is the tool's connection to the node: gRPC for txs and queries,
// CometBFT RPC (HTTP) for blocks and results.
type chain struct {
	chainID  string
	rpc      string
	conn     *grpc.ClientConn
	txc      txtypes.ServiceClient
	txConfig client.TxConfig
	http     *http.Client
	// foreign is set when the node is not ClearChain (clear-load foreign
	// run): its bech32 prefix and fees (foreign.go).
	foreign *foreignChain
}

// loopbackOnly refuses any address that is not a loopback IP or localhost:
// the tool never sends load beyond the machine.
func loopbackOnly(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("address %q: %w", hostport, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address (127.0.0.0/8, ::1): clear-load only loads the local machine", hostport)
	}
	return nil
}

func dialChain(ctx context.Context, grpcAddr, rpcURL, chainID string) (*chain, error) {
	if err := loopbackOnly(grpcAddr); err != nil {
		return nil, err
	}
	u, err := url.Parse(rpcURL)
	if err != nil {
		return nil, fmt.Errorf("--rpc %q: %w", rpcURL, err)
	}
	if err := loopbackOnly(u.Host); err != nil {
		return nil, err
	}
	app.SetAddressPrefixes()
	home, err := os.MkdirTemp("", "clear-load-codec-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	// The app's own codecs and tx config (a throwaway in-memory app), so
	// every message type the chain knows encodes exactly as the node
	// decodes it.
	a, err := app.New(log.NewNopLogger(), dbm.NewMemDB(), false, simtestutil.NewAppOptionsWithFlagHome(home), nil)
	if err != nil {
		return nil, fmt.Errorf("codec app: %w", err)
	}
	enc := a.EncodingConfig()
	conn, err := grpc.NewClient(grpcAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.InterfaceRegistry).GRPCCodec()),
			grpc.MaxCallRecvMsgSize(256<<20)))
	if err != nil {
		return nil, fmt.Errorf("gRPC %s: %w", grpcAddr, err)
	}
	return &chain{
		chainID: chainID, rpc: strings.TrimRight(rpcURL, "/"), conn: conn,
		txc: txtypes.NewServiceClient(conn), txConfig: enc.TxConfig,
		http: &http.Client{Timeout: 120 * time.Second},
	}, nil
}

// rpcGet decodes the "result" of a CometBFT JSON-RPC GET into out.
func (c *chain) rpcGet(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.rpc+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: reading %d bytes: %w", path, len(body), err)
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if env.Error != nil {
		return fmt.Errorf("%s: %s %s", path, env.Error.Message, env.Error.Data)
	}
	return json.Unmarshal(env.Result, out)
}

// height is the height the node's application last committed (ABCI
// Info): its block results are stored by then. CometBFT's /status height
// is the block store's, which saves a block before executing it.
func (c *chain) height(ctx context.Context) (int64, error) {
	var info struct {
		Response struct {
			Height string `json:"last_block_height"`
		} `json:"response"`
	}
	if err := c.rpcGet(ctx, "/abci_info", &info); err != nil {
		return 0, err
	}
	var h int64
	_, err := fmt.Sscan(info.Response.Height, &h)
	return h, err
}

// waitHeight waits until the node has committed height h.
func (c *chain) waitHeight(ctx context.Context, h int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		got, err := c.height(ctx)
		if err == nil && got >= h {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("height %d not reached within %s (last %d, %v)", h, timeout, got, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// refresh reads the account's number and sequence from the chain.
func (c *chain) refresh(ctx context.Context, a *account) error {
	res, err := authtypes.NewQueryClient(c.conn).AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: c.address(a)})
	if err != nil {
		return fmt.Errorf("account %s (%s): %w", a.name, a.addr, err)
	}
	a.accNum, a.seq = res.Info.AccountNumber, res.Info.Sequence
	return nil
}

// signedTx is a pre-signed transaction and its CometBFT hash.
type signedTx struct {
	bytes []byte
	hash  string // upper-case hex sha256, as CometBFT names txs
}

// sign builds and signs a tx of msgs at the account's current sequence,
// then advances the sequence.
func (c *chain) sign(a *account, gas uint64, msgs ...sdk.Msg) (signedTx, error) {
	b := c.txConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return signedTx{}, err
	}
	b.SetGasLimit(gas)
	b.SetFeeAmount(c.fee(gas))
	mode := signingtypes.SignMode_SIGN_MODE_DIRECT
	if err := b.SetSignatures(signingtypes.SignatureV2{
		PubKey: a.priv.PubKey(), Data: &signingtypes.SingleSignatureData{SignMode: mode}, Sequence: a.seq,
	}); err != nil {
		return signedTx{}, err
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), mode, authsigning.SignerData{
		ChainID: c.chainID, AccountNumber: a.accNum, Sequence: a.seq, PubKey: a.priv.PubKey(), Address: c.address(a),
	}, b, a.priv, c.txConfig, a.seq)
	if err != nil {
		return signedTx{}, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return signedTx{}, err
	}
	bz, err := c.txConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return signedTx{}, err
	}
	a.seq++
	h := sha256.Sum256(bz)
	return signedTx{bytes: bz, hash: strings.ToUpper(hex.EncodeToString(h[:]))}, nil
}

// signLane signs one order as a lane tx (x/exchange/README.md "The order
// lane"): no account number, sequence or fee; timeout is its replay nonce.
func (c *chain) signLane(a *account, msg *exchangetypes.MsgPlaceOrder, timeout time.Time) (signedTx, error) {
	order, err := msg.Marshal()
	if err != nil {
		return signedTx{}, err
	}
	nanos := uint64(timeout.UnixNano())
	sig, err := a.priv.Sign(exchangetypes.LaneSignDoc(c.chainID, nanos, order))
	if err != nil {
		return signedTx{}, err
	}
	bz := exchangetypes.EncodeLaneTx(order, nanos, a.priv.PubKey().Bytes(), sig)
	h := sha256.Sum256(bz)
	return signedTx{bytes: bz, hash: strings.ToUpper(hex.EncodeToString(h[:]))}, nil
}

// errMempoolFull is CheckTx's code 20: the tx was not admitted, its
// sequence is still free.
var errMempoolFull = errors.New("mempool is full")

// broadcast sends a signed tx (sync mode: CheckTx) and returns an error
// if CheckTx refused it.
func (c *chain) broadcast(ctx context.Context, tx signedTx) error {
	res, err := c.txc.BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: tx.bytes, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		return err
	}
	if res.TxResponse.Code == sdkerrors.ErrMempoolIsFull.ABCICode() && res.TxResponse.Codespace == sdkerrors.RootCodespace {
		return fmt.Errorf("CheckTx code %d: %w", res.TxResponse.Code, errMempoolFull)
	}
	if res.TxResponse.Code != 0 {
		return fmt.Errorf("CheckTx code %d (%s): %s", res.TxResponse.Code, res.TxResponse.Codespace, res.TxResponse.RawLog)
	}
	return nil
}

// simulateGas returns the gas a tx of msgs from a uses now (unsigned
// simulation at its current sequence), with headroom.
func (c *chain) simulateGas(ctx context.Context, a *account, msgs ...sdk.Msg) (uint64, error) {
	seq := a.seq
	tx, err := c.sign(a, 100_000_000, msgs...)
	a.seq = seq
	if err != nil {
		return 0, err
	}
	res, err := c.txc.Simulate(ctx, &txtypes.SimulateRequest{TxBytes: tx.bytes})
	if err != nil {
		return 0, fmt.Errorf("simulate: %w", err)
	}
	return res.GasInfo.GasUsed*13/10 + 20_000, nil
}

// commit broadcasts txs and waits until every one is in a block with code
// 0. what names the step in errors.
func (c *chain) commit(ctx context.Context, what string, txs []signedTx) error {
	for _, tx := range txs {
		if err := c.broadcast(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, tx := range txs {
		for {
			res, err := c.txc.GetTx(ctx, &txtypes.GetTxRequest{Hash: tx.hash})
			if err == nil {
				if res.TxResponse.Code != 0 {
					return fmt.Errorf("%s: tx %s failed in block %d: %s", what, tx.hash, res.TxResponse.Height, res.TxResponse.RawLog)
				}
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: tx %s not committed within 2 minutes: %w", what, tx.hash, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

// cpuProfile fetches a CPU profile of the node over d from its pprof
// endpoint and writes it to path.
func (c *chain) cpuProfile(ctx context.Context, base string, d time.Duration, path string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	if err := loopbackOnly(u.Host); err != nil {
		return err
	}
	secs := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", strings.TrimRight(base, "/"), secs), nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: d + time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: %s", resp.Status)
	}
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, bz, 0o644)
}
