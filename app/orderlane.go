package app

import (
	"crypto/sha256"
	"fmt"
	"time"

	protov2 "google.golang.org/protobuf/proto"

	errorsmod "cosmossdk.io/errors"

	gethsecp256k1 "github.com/ethereum/go-ethereum/crypto/secp256k1"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	"github.com/clearchain/clearchain/internal/addrcache"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// The order lane (x/exchange/README.md "The order lane", issue 15): a
// single order signed by its owner over a short sign doc, without an SDK
// tx around it. What an SDK tx pays per tx and an order does not need is
// left out: the account read for the account number and the sequence, the
// sign-mode handler's sign bytes, the fee deduction, the sequence
// increment and its account write. What every order needs stays, in the
// same code as for a MsgPlaceOrder in an SDK tx:
//
//   - the owner's secp256k1 signature, verified once per node: by the
//     broadcast worker that receives the tx, outside the ABCI lock
//     (preverify), else by CheckTx, else in the block (a tx this node
//     never saw), remembered in LaneSigCache in between. It is
//     verified by libsecp256k1 (cgo, go-ethereum's binding, already linked
//     into the node by wasmd's dependencies): 82 against 194 us for the
//     SDK's pure-Go verification (docs/benchmarks.md, "The order lane"),
//     with the same rule — 64 bytes r || s, low s only, over the SHA-256
//     of the sign doc. Every node runs this same code for lane txs;
//   - replay protection by the SDK's unordered nonce (owner, timeout), the
//     timeout at most ante.DefaultMaxTimeoutDuration after the block time;
//   - the module gates of every order tx (AnteOptions.Extra: the fixed
//     order gas and rate limit, the compliance gate's licence roles and
//     freezes; in a block AnteOptions.LaneDeliverExtra, without the gate),
//     and the message router's compliance check and the exchange's Msg
//     server when it runs.
//
// A lane tx decodes (laneTxDecoder) to a laneTx, which BaseApp runs like
// any tx: its CheckTx, recheck, proposal selection, order cap and delivery
// are the SDK's, with the lane's ante chain.

// laneTx is a decoded lane tx: one MsgPlaceOrder.
type laneTx struct {
	order   *exchangetypes.LaneOrder
	msgs    []sdk.Msg
	msgsV2  []protov2.Message
	owner   sdk.AccAddress
	timeout time.Time
	gas     uint64
}

var (
	_ sdk.Tx         = (*laneTx)(nil)
	_ ante.GasTx     = (*laneTx)(nil)
	_ sdk.FeeTx      = (*laneTx)(nil)
	_ sdk.TxWithMemo = (*laneTx)(nil)
)

func (t *laneTx) GetMsgs() []sdk.Msg                    { return t.msgs }
func (t *laneTx) GetMsgsV2() ([]protov2.Message, error) { return t.msgsV2, nil }
func (t *laneTx) GetGas() uint64                        { return t.gas }
func (t *laneTx) GetFee() sdk.Coins                     { return nil }
func (t *laneTx) FeePayer() []byte                      { return t.owner }
func (t *laneTx) FeeGranter() []byte                    { return nil }
func (t *laneTx) GetMemo() string                       { return "" }
func (t *laneTx) GetSigners() ([][]byte, error)         { return [][]byte{t.owner}, nil }
func (t *laneTx) GetTimeoutTimeStamp() time.Time        { return t.timeout }

// laneTxDecoder decodes lane txs itself and passes every other tx to
// inner (the SDK's decoder). A lane tx's owner is its order's signer as
// the codec reads it (MsgPlaceOrder's cosmos.msg.v1.signer).
func laneTxDecoder(inner sdk.TxDecoder, cdc codec.Codec) sdk.TxDecoder {
	return func(bz []byte) (sdk.Tx, error) {
		if !exchangetypes.IsLaneTx(bz) {
			return inner(bz)
		}
		o, err := exchangetypes.DecodeLaneTx(bz)
		if err != nil {
			return nil, errorsmod.Wrap(sdkerrors.ErrTxDecode, err.Error())
		}
		signers, msgV2, err := cdc.GetMsgV1Signers(o.Msg)
		if err != nil {
			return nil, errorsmod.Wrapf(sdkerrors.ErrTxDecode, "lane tx: order signer: %v", err)
		}
		if len(signers) != 1 {
			return nil, errorsmod.Wrapf(sdkerrors.ErrTxDecode, "lane tx: the order has %d signers, want 1", len(signers))
		}
		gas, _ := exchangetypes.OrderTxGas([]sdk.Msg{o.Msg})
		return &laneTx{
			order:   o,
			msgs:    []sdk.Msg{o.Msg},
			msgsV2:  []protov2.Message{msgV2},
			owner:   signers[0],
			timeout: time.Unix(0, int64(o.TimeoutUnixNano)).UTC(),
			gas:     gas,
		}, nil
	}
}

// laneSigCacheSize bounds the lane's verified-signature cache (a
// mempool's worth of lane txs; 32 bytes an entry).
const laneSigCacheSize = 50_000

// LaneSigCache remembers the lane txs whose signature this node verified
// (preverify on the broadcast worker, or CheckTx), so that CheckTx and
// delivery do not verify them again. The key is the
// SHA-256 of the chain id and the whole tx bytes, of which the signature's
// validity is a pure function (sign doc, key and signature are all in the
// bytes, plus the chain id): a hit gives the answer verifying would give.
// A lane tx not seen before (another node's proposal) is verified. A
// delivered tx's entry is taken out; an entry whose tx never reaches a
// block is evicted by newer ones (at most laneSigCacheSize).
type LaneSigCache struct{ boundedCache[struct{}] }

// NewLaneSigCache returns an empty cache.
func NewLaneSigCache() *LaneSigCache {
	return &LaneSigCache{newBoundedCache[struct{}](laneSigCacheSize)}
}

// laneNonces is the SDK's unordered-nonce store (x/auth's account keeper).
type laneNonces interface {
	UnorderedTransactionsEnabled() bool
	TryAddUnorderedNonce(ctx sdk.Context, sender []byte, timestamp time.Time) error
}

// laneAuthDecorator checks a lane tx's timeout, signature and nonce. Other
// txs pass through untouched.
type laneAuthDecorator struct {
	nonces laneNonces
	sigs   *LaneSigCache
}

// AnteHandle implements sdk.AnteDecorator.
func (d laneAuthDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	lt, ok := tx.(*laneTx)
	if !ok {
		return next(ctx, tx, simulate)
	}
	if !d.nonces.UnorderedTransactionsEnabled() {
		return ctx, errorsmod.Wrap(sdkerrors.ErrNotSupported, "lane tx: unordered nonces are disabled on this chain")
	}
	blockTime := ctx.BlockTime()
	switch {
	case lt.timeout.Before(blockTime):
		return ctx, errorsmod.Wrapf(sdkerrors.ErrTxTimeout, "lane tx: timeout %s is before the block time %s",
			lt.timeout.Format(time.RFC3339Nano), blockTime.Format(time.RFC3339Nano))
	case lt.timeout.After(blockTime.Add(ante.DefaultMaxTimeoutDuration)):
		return ctx, errorsmod.Wrapf(sdkerrors.ErrInvalidRequest, "lane tx: timeout %s is more than %s after the block time %s",
			lt.timeout.Format(time.RFC3339Nano), ante.DefaultMaxTimeoutDuration, blockTime.Format(time.RFC3339Nano))
	}
	if !ctx.IsReCheckTx() { // a recheck does not verify signatures (as the SDK's decorator)
		if err := d.verify(ctx, lt); err != nil {
			return ctx, err
		}
	}
	if !simulate {
		if err := d.nonces.TryAddUnorderedNonce(ctx, lt.owner, lt.timeout); err != nil {
			return ctx, errorsmod.Wrapf(sdkerrors.ErrInvalidRequest, "lane tx: %v", err)
		}
	}
	return next(ctx, tx, simulate)
}

// verify checks that the key is the owner's and signed the sign doc, or
// finds that this node did already (LaneSigCache: in CheckTx an entry of
// the broadcast worker's preverify, in delivery one of CheckTx's).
func (d laneAuthDecorator) verify(ctx sdk.Context, lt *laneTx) error {
	key := laneSigKey(ctx.ChainID(), ctx.TxBytes())
	if d.sigs != nil {
		if ctx.IsCheckTx() {
			if _, ok := d.sigs.get(key); ok {
				return nil
			}
		} else if _, ok := d.sigs.take(key); ok {
			return nil
		}
	}
	if err := laneSigOK(lt.order, lt.owner, ctx.ChainID()); err != nil {
		return err
	}
	if ctx.IsCheckTx() && d.sigs != nil && len(ctx.TxBytes()) > 0 {
		d.sigs.put(key, struct{}{}, false)
	}
	return nil
}

// laneSigOK checks that o's key is owner's and signed o's sign doc on
// chainID.
func laneSigOK(o *exchangetypes.LaneOrder, owner sdk.AccAddress, chainID string) error {
	pk := &secp256k1.PubKey{Key: o.PubKey}
	if !sdk.AccAddress(pk.Address()).Equals(owner) {
		return errorsmod.Wrapf(sdkerrors.ErrInvalidPubKey, "lane tx: pub_key is not the key of the order's owner %s", o.Msg.Owner)
	}
	digest := sha256.Sum256(exchangetypes.LaneSignDoc(chainID, o.TimeoutUnixNano, o.OrderBytes))
	if !gethsecp256k1.VerifySignature(o.PubKey, digest[:], o.Signature) {
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "lane tx: signature verification failed (chain id %q)", chainID)
	}
	return nil
}

// preverify verifies the signature of a lane tx arriving by BroadcastTx
// on the broadcast worker that carries it (app/broadcast.go), outside the
// ABCI lock CheckTx runs under (one lock for CheckTx, FinalizeBlock and
// Commit: the node's serial path), and remembers a valid one for CheckTx.
// Anything else — not a lane tx, undecodable, a bad signature, an owner
// that is not a plain bech32 account — is left to CheckTx, which decides
// and answers the error.
func (c *LaneSigCache) preverify(chainID string, bz []byte) {
	if c == nil || !exchangetypes.IsLaneTx(bz) {
		return
	}
	o, err := exchangetypes.DecodeLaneTx(bz)
	if err != nil {
		return
	}
	owner, err := addrcache.AccAddressFromBech32(o.Msg.Owner)
	if err != nil || laneSigOK(o, owner, chainID) != nil {
		return
	}
	c.put(laneSigKey(chainID, bz), struct{}{}, false)
}

func laneSigKey(chainID string, txBytes []byte) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s", len(chainID), chainID)
	h.Write(txBytes)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// preverifyLane is the broadcast workers' pre-check (LaneSigCache.preverify).
func (app *ClearApp) preverifyLane(bz []byte) { app.laneSigs.preverify(app.ChainID(), bz) }
