// Package txdecode decodes a block's refused transactions (those that failed
// in DeliverTx) into surveillance.RefusedTx for Engine.ProcessBlockTxs: the
// raw tx bytes (as CometBFT stores them in the block) and their
// ExecTxResult. It holds the SDK and wasmd codec the surveillance package
// itself does not import; like it, it imports no keeper and no app.
package txdecode

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	gogoproto "github.com/cosmos/gogoproto/proto"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/clearchain/clearchain/surveillance"
)

// anyPrefixAddresses is the signing context's address codec: it checks that
// a signer field is bech32 (whatever the chain's prefix) and hands back the
// string itself as the "bytes", so GetSigners yields the bech32 signers
// without this package knowing the chain's prefix.
type anyPrefixAddresses struct{}

func (anyPrefixAddresses) StringToBytes(s string) ([]byte, error) {
	if _, _, err := bech32.DecodeAndConvert(s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

func (anyPrefixAddresses) BytesToString(b []byte) (string, error) { return string(b), nil }

// Codec decodes refused txs: an interface registry with the SDK's std
// types, bank and wasm registered. It is safe for concurrent use once made.
type Codec struct {
	reg types.InterfaceRegistry
	cdc *codec.ProtoCodec
}

// New returns the codec.
func New() (*Codec, error) {
	reg, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles:     gogoproto.HybridResolver,
		SigningOptions: signing.Options{AddressCodec: anyPrefixAddresses{}, ValidatorAddressCodec: anyPrefixAddresses{}},
	})
	if err != nil {
		return nil, fmt.Errorf("surveillance: tx codec: %w", err)
	}
	std.RegisterInterfaces(reg)
	banktypes.RegisterInterfaces(reg)
	wasmtypes.RegisterInterfaces(reg)
	return &Codec{reg: reg, cdc: codec.NewProtoCodec(reg)}, nil
}

// DecodeRefusedTx decodes tx bytes and their result. A message of a type
// the codec does not know is kept by its type URL; undecodable tx bytes
// are an error. The tx's signers are its messages' signers, else (a tx of
// unknown messages only) the accounts of the ante handler's acc_seq events
// that a failed tx keeps.
func (c *Codec) DecodeRefusedTx(height int64, index int, txBytes []byte, res *abci.ExecTxResult) (surveillance.RefusedTx, error) {
	sum := sha256.Sum256(txBytes)
	t := surveillance.RefusedTx{Height: height, Index: index, Hash: strings.ToUpper(hex.EncodeToString(sum[:]))}
	if res != nil {
		t.Code, t.Codespace, t.Log = res.Code, res.Codespace, res.Log
	}
	var raw txtypes.TxRaw
	if err := gogoproto.Unmarshal(txBytes, &raw); err != nil {
		return t, fmt.Errorf("surveillance: tx %d at height %d: %w", index, height, err)
	}
	var body txtypes.TxBody
	if err := gogoproto.Unmarshal(raw.BodyBytes, &body); err != nil {
		return t, fmt.Errorf("surveillance: tx %d at height %d: body: %w", index, height, err)
	}
	for _, a := range body.Messages {
		if a == nil {
			continue
		}
		m := surveillance.RefusedMsg{TypeURL: a.TypeUrl}
		msg, err := c.reg.Resolve(a.TypeUrl)
		if err == nil && gogoproto.Unmarshal(a.Value, msg) == nil {
			if signers, _, err := c.cdc.GetMsgV1Signers(msg); err == nil {
				for _, s := range signers {
					m.Signers = append(m.Signers, string(s))
				}
			}
			switch x := msg.(type) {
			case *wasmtypes.MsgExecuteContract:
				m.Contract = x.Contract
				m.Signers = appendNew(m.Signers, x.Sender)
				readExecute(&m, x.Msg)
				for _, co := range x.Funds {
					m.Coins = append(m.Coins, surveillance.Coin{Denom: co.Denom, Amount: co.Amount.String()})
				}
			case *banktypes.MsgSend:
				m.From, m.To = x.FromAddress, x.ToAddress
				m.Signers = appendNew(m.Signers, x.FromAddress)
				for _, co := range x.Amount {
					m.Coins = append(m.Coins, surveillance.Coin{Denom: co.Denom, Amount: co.Amount.String()})
				}
			}
		}
		for _, s := range m.Signers {
			t.Signers = appendNew(t.Signers, s)
		}
		t.Msgs = append(t.Msgs, m)
	}
	if len(t.Signers) == 0 && res != nil {
		for _, ev := range res.Events {
			if ev.Type != "tx" {
				continue
			}
			if v := attrValue(ev.Attributes, "acc_seq"); v != "" {
				if i := strings.LastIndexByte(v, '/'); i > 0 {
					t.Signers = appendNew(t.Signers, v[:i])
				}
			}
		}
	}
	return t, nil
}

func appendNew(s []string, v string) []string {
	if v == "" {
		return s
	}
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// readExecute reads a contract execute JSON: {"<action>": {fields}}. Numbers
// may be JSON numbers or strings (cosmwasm Uint64 is a string).
func readExecute(m *surveillance.RefusedMsg, bz []byte) {
	var top map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(bz))
	d.UseNumber()
	if err := d.Decode(&top); err != nil || len(top) != 1 {
		return
	}
	for k, v := range top { // one key
		m.Action = k
		var f map[string]json.RawMessage
		if json.Unmarshal(v, &f) != nil {
			return
		}
		str := func(k string) string {
			r, ok := f[k]
			if !ok {
				return ""
			}
			var s string
			if json.Unmarshal(r, &s) == nil {
				return s
			}
			return strings.TrimSpace(string(r))
		}
		u := func(k string) uint64 { n, _ := strconv.ParseUint(str(k), 10, 64); return n }
		switch k {
		case "issue":
			m.FirstSerial, m.MWh, m.Recipient = u("first_serial"), u("mwh"), str("recipient")
		case "transfer":
			m.Recipient = str("recipient")
		case "claim":
			m.Certificate = str("certificate")
			if m.Certificate == "" {
				m.Certificate = str("certificate_id")
			}
		}
	}
}

// Failed reports the refused txs of a block: every tx with a non-zero code,
// decoded (a tx that cannot be decoded is skipped and reported in errs).
// txs and results are the block's txs and FinalizeBlock's TxResults, in
// the same order.
func (c *Codec) Failed(height int64, txs [][]byte, results []*abci.ExecTxResult) (out []surveillance.RefusedTx, errs []error) {
	for i, r := range results {
		if r == nil || r.Code == 0 || i >= len(txs) {
			continue
		}
		t, err := c.DecodeRefusedTx(height, i, txs[i], r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, t)
	}
	return out, errs
}

func attrValue(as []abci.EventAttribute, key string) string {
	for _, a := range as {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}
