package client

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc"

	sdkclient "github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	txsigning "github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/clearchain/clearchain/stream"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// KeyFromMnemonic derives the secp256k1 key of a BIP-39 mnemonic on the
// Cosmos HD path m/44'/118'/0'/0/0.
func KeyFromMnemonic(mnemonic string) (cryptotypes.PrivKey, error) {
	bz, err := hd.Secp256k1.Derive()(mnemonic, "", sdk.FullFundraiserPath)
	if err != nil {
		return nil, fmt.Errorf("client: deriving the key: %w", err)
	}
	return &secp256k1.PrivKey{Key: bz}, nil
}

// Signer signs exchange messages offline as unordered transactions: no
// account sequence, a timeout timestamp bounding the replay protection, so
// a bot sends as many in parallel as it likes without sequence fights.
type Signer struct {
	key     cryptotypes.PrivKey
	addr    sdk.AccAddress
	owner   string
	chainID string
	accNum  uint64
	txCfg   sdkclient.TxConfig
	// GasLimit per tx. 0 (the default): a tx of exchange order messages
	// gets exactly its fixed order gas (GasFor), any other tx
	// DefaultGasLimit; no simulation round trip either way. Fee: default
	// none.
	GasLimit uint64
	Fee      sdk.Coins
	// Timeout is how long a signed tx stays valid (default 60 s; the
	// chain's maximum is 10 minutes).
	Timeout time.Duration

	mu   sync.Mutex
	last time.Time // the last timeout signed: each tx gets a later one
}

// NewSigner returns a signer for key on chainID with its account number.
// prefix is the bech32 account prefix ("clear"; "" takes the SDK's global
// config).
func NewSigner(key cryptotypes.PrivKey, chainID string, accountNumber uint64, prefix string) (*Signer, error) {
	if prefix == "" {
		prefix = sdk.GetConfig().GetBech32AccountAddrPrefix()
	}
	ir, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: txsigning.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: prefix},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: prefix + "valoper"},
		},
	})
	if err != nil {
		return nil, err
	}
	std.RegisterInterfaces(ir)
	authtypes.RegisterInterfaces(ir)
	exchangetypes.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)
	addr := sdk.AccAddress(key.PubKey().Address())
	owner, err := sdk.Bech32ifyAddressBytes(prefix, addr)
	if err != nil {
		return nil, err
	}
	return &Signer{key: key, addr: addr, owner: owner, chainID: chainID, accNum: accountNumber,
		txCfg: authtx.NewTxConfig(cdc, authtx.DefaultSignModes), Timeout: 60 * time.Second}, nil
}

// Address returns the signer's bech32 address (the owner of its orders).
func (s *Signer) Address() string { return s.owner }

// TxConfig returns the signer's tx encoding.
func (s *Signer) TxConfig() sdkclient.TxConfig { return s.txCfg }

// SignUnordered signs msgs as one unordered tx valid until now+Timeout
// (now: the caller's clock, or the block time in tests).
func (s *Signer) SignUnordered(now time.Time, msgs ...sdk.Msg) ([]byte, error) {
	b := s.txCfg.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetGasLimit(s.GasFor(msgs...))
	b.SetFeeAmount(s.Fee)
	b.SetUnordered(true)
	b.SetTimeoutTimestamp(s.nextTimeout(now))
	mode, err := authsign.APISignModeToInternal(s.txCfg.SignModeHandler().DefaultMode())
	if err != nil {
		return nil, err
	}
	pub := s.key.PubKey()
	sig := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: 0}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	bz, err := authsign.GetSignBytesAdapter(context.Background(), s.txCfg.SignModeHandler(), mode, authsign.SignerData{
		Address: s.owner, ChainID: s.chainID, AccountNumber: s.accNum, Sequence: 0, PubKey: pub,
	}, b.GetTx())
	if err != nil {
		return nil, err
	}
	if sig.Data.(*signing.SingleSignatureData).Signature, err = s.key.Sign(bz); err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	return s.txCfg.TxEncoder()(b.GetTx())
}

// SignLaneOrder signs one order as a lane tx (x/exchange/README.md "The
// order lane"), valid until now+Timeout: no account number, sequence or
// fee, a secp256k1 signature over the order, the chain id and the timeout.
// It is broadcast like any tx (Broadcaster.Broadcast). The timeout is the
// order's replay nonce, shared with SignUnordered's: every tx this signer
// signs gets a later one.
func (s *Signer) SignLaneOrder(now time.Time, spec exchangetypes.OrderSpec) ([]byte, error) {
	pub := s.key.PubKey().Bytes()
	if len(pub) != exchangetypes.LanePubKeyLen {
		return nil, fmt.Errorf("lane order: the signer's key is a %s, the lane takes secp256k1 keys", s.key.Type())
	}
	timeout := uint64(s.nextTimeout(now).UnixNano())
	return exchangetypes.SignLaneTx(s.chainID, &exchangetypes.MsgPlaceOrder{Owner: s.owner, Order: spec}, timeout,
		func(doc []byte) ([]byte, []byte, error) {
			sig, err := s.key.Sign(doc)
			return sig, pub, err
		})
}

// DefaultGasLimit is the gas limit of a tx that is not only exchange
// order messages, when Signer.GasLimit is 0.
const DefaultGasLimit uint64 = 2_000_000

// GasFor returns the gas limit SignUnordered sets for msgs: GasLimit if
// set, else the fixed gas of an order tx (exchangetypes.OrderTxGas: the
// tx's gas used, exactly, whatever the book holds; x/exchange/README.md
// "Order gas"), else DefaultGasLimit.
func (s *Signer) GasFor(msgs ...sdk.Msg) uint64 {
	if s.GasLimit != 0 {
		return s.GasLimit
	}
	if g, ok := exchangetypes.OrderTxGas(msgs); ok {
		return g
	}
	return DefaultGasLimit
}

// nextTimeout returns now+Timeout, or 1 ns after the last timeout signed:
// the SDK keys an unordered tx's replay protection by (sender, timeout
// timestamp), so two txs of one signer with the same timeout collide
// ("has already used timeout").
func (s *Signer) nextTimeout(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := now.Add(s.Timeout)
	if !t.After(s.last) {
		t = s.last.Add(time.Nanosecond)
	}
	s.last = t
	return t
}

// Batch returns one MsgBatch placing places and cancelling cancels.
func (s *Signer) Batch(places []exchangetypes.OrderSpec, cancels []exchangetypes.CancelSpec) *exchangetypes.MsgBatch {
	return &exchangetypes.MsgBatch{Owner: s.owner, Places: places, Cancels: cancels}
}

// Replace returns a cancel-replace of order id with a new price and
// quantity.
func (s *Signer) Replace(market, id uint64, price int64, qty uint64) *exchangetypes.MsgCancelReplace {
	return &exchangetypes.MsgCancelReplace{Owner: s.owner, MarketId: market, OrderId: id, Price: price, Quantity: qty}
}

// Heartbeat returns the dead-man switch message: cancel every order of the
// signer if no heartbeat comes within window blocks (0 disarms).
func (s *Signer) Heartbeat(window uint64) *exchangetypes.MsgHeartbeat {
	return &exchangetypes.MsgHeartbeat{Owner: s.owner, WindowBlocks: window}
}

// TxError is a transaction refused by the node or failed in its block,
// with the exchange's reason when the log names one.
type TxError struct {
	Codespace string
	Code      uint32
	Log       string
	// Reason and ReasonCode: the exchange reason found in the log (see
	// stream.ReasonCode), or "" and 0.
	Reason     string
	ReasonCode int32
}

func (e *TxError) Error() string {
	return fmt.Sprintf("client: tx refused: codespace %s code %d: %s", e.Codespace, e.Code, e.Log)
}

// Is matches ErrTxRefused.
func (e *TxError) Is(target error) bool { return target == ErrTxRefused }

// ErrTxRefused matches every *TxError.
var ErrTxRefused = errors.New("client: tx refused")

var reasonWord = regexp.MustCompile(`[a-z]+(-[a-z]+)+|[a-z]+`)

func newTxError(codespace string, code uint32, log string) *TxError {
	e := &TxError{Codespace: codespace, Code: code, Log: log}
	for _, w := range reasonWord.FindAllString(strings.ToLower(log), -1) {
		if c := stream.ReasonCode(w); c != 0 && strings.Contains(w, "-") {
			e.Reason, e.ReasonCode = w, c
			break
		}
	}
	return e
}

// Broadcaster sends signed txs to a node over gRPC (cosmos.tx.v1beta1).
type Broadcaster struct {
	svc txtypes.ServiceClient
}

// NewBroadcaster returns a broadcaster over conn.
func NewBroadcaster(conn grpc.ClientConnInterface) *Broadcaster {
	return &Broadcaster{svc: txtypes.NewServiceClient(conn)}
}

// Broadcast sends tx (sync mode: CheckTx) and returns its hash, or a
// *TxError when CheckTx refused it.
func (b *Broadcaster) Broadcast(ctx context.Context, tx []byte) (string, error) {
	res, err := b.svc.BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: tx, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		return "", fmt.Errorf("client: broadcast: %w", err)
	}
	r := res.TxResponse
	if r.Code != 0 {
		return r.TxHash, newTxError(r.Codespace, r.Code, r.RawLog)
	}
	return r.TxHash, nil
}

// AccountNumber queries addr's account number (once, before signing).
func AccountNumber(ctx context.Context, conn grpc.ClientConnInterface, addr string) (uint64, error) {
	res, err := authtypes.NewQueryClient(conn).AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: addr})
	if err != nil {
		return 0, fmt.Errorf("client: account %s: %w", addr, err)
	}
	return res.Info.AccountNumber, nil
}
