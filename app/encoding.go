package app

import (
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/encoding/protowire"
	protov2 "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	msgv1 "cosmossdk.io/api/cosmos/msg/v1"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/clearchain/clearchain/internal/addrcache"
)

// The SDK keeps its global config (bech32 prefixes) in a registry keyed by
// "host|executable|pid" unless COSMOS_SDK_CONFIG_SCOPE names the scope, and
// builds that key on every sdk.GetConfig: a readlink of /proc/self/exe and
// a read of the hostname, for every bech32 address parsed — several per tx
// in CheckTx, ReCheckTx and DeliverTx, 7.3% of the node's CPU at 10,000
// orders/s offered (docs/benchmarks.md, "Node levers, stop 22"). The scope
// is pinned here, once, to the very key the SDK computes, so the config set
// before (or after) is the same one; a scope already set is left alone.
func init() { pinSDKConfigScope() }

func pinSDKConfigScope() {
	if os.Getenv(sdk.EnvConfigScope) != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "unknown-exe"
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	_ = os.Setenv(sdk.EnvConfigScope, fmt.Sprintf("%s|%s|%d", host, exe, os.Getpid()))
}

// EncodingConfig bundles the codecs of the app.
type EncodingConfig struct {
	InterfaceRegistry codectypes.InterfaceRegistry
	Codec             codec.Codec
	TxConfig          client.TxConfig
	Amino             *codec.LegacyAmino
}

// newEncodingConfig builds the interface registry, codecs and tx config.
// Module interfaces are registered later by the module manager.
func newEncodingConfig() (EncodingConfig, error) {
	ir, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			// Signers are read from bech32 strings many times per tx
			// (internal/addrcache): each is decoded once.
			AddressCodec:          addrcache.NewCodec(address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32AccountAddrPrefix()}),
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32ValidatorAddrPrefix()},
		},
	})
	if err != nil {
		return EncodingConfig{}, err
	}
	cdc := newSignerCodec(codec.NewProtoCodec(ir), fastSignerMsgs)
	amino := codec.NewLegacyAmino()
	std.RegisterLegacyAminoCodec(amino)
	std.RegisterInterfaces(ir)
	return EncodingConfig{
		InterfaceRegistry: ir,
		Codec:             cdc,
		TxConfig:          authtx.NewTxConfig(cdc, authtx.DefaultSignModes),
		Amino:             amino,
	}, nil
}

// fastSignerMsgs are the messages whose signer the tx decoder reads
// straight from their bytes (signerCodec): the order flow, where a MsgBatch
// of 50 orders otherwise costs a whole dynamic protobuf decode just to find
// its owner.
var fastSignerMsgs = []protoreflect.FullName{
	"clearchain.exchange.v1.MsgPlaceOrder",
	"clearchain.exchange.v1.MsgCancelOrder",
	"clearchain.exchange.v1.MsgCancelReplace",
	"clearchain.exchange.v1.MsgMassCancel",
	"clearchain.exchange.v1.MsgBatch",
	"clearchain.exchange.v1.MsgHeartbeat",
}

// signerCodec is the proto codec the tx config decodes with. The SDK finds
// a tx's signers (ante handler, message events) by unpacking every message
// Any into a dynamic protobuf message (our messages have no protov2 types)
// and reading its cosmos.msg.v1.signer field. For the messages of
// fastSignerMsgs, whose signer is one top-level string field, it reads that
// field from the message bytes instead and returns a dynamic message holding
// only the signer (all that the SDK reads from it: the sender of the message
// event). Anything else, or bytes it does not read cleanly, takes the SDK's
// path, which reports the error. The message itself was decoded (and its
// bytes checked) by the tx decoder before; string fields other than the
// signer are checked by ValidateBasic (client order ids: printable ASCII).
type signerCodec struct {
	*codec.ProtoCodec
	fast map[string]fastSigner // by type URL
}

type fastSigner struct {
	desc  protoreflect.MessageDescriptor
	field protoreflect.FieldDescriptor
}

func newSignerCodec(cdc *codec.ProtoCodec, names []protoreflect.FullName) signerCodec {
	c := signerCodec{ProtoCodec: cdc, fast: map[string]fastSigner{}}
	for _, n := range names {
		d, err := proto.HybridResolver.FindDescriptorByName(n)
		if err != nil {
			continue
		}
		md, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			continue
		}
		signers, _ := protov2.GetExtension(md.Options(), msgv1.E_Signer).([]string)
		if len(signers) != 1 {
			continue
		}
		f := md.Fields().ByName(protoreflect.Name(signers[0]))
		if f == nil || f.Kind() != protoreflect.StringKind || f.Cardinality() == protoreflect.Repeated {
			continue
		}
		c.fast["/"+string(n)] = fastSigner{desc: md, field: f}
	}
	return c
}

// GetMsgAnySigners returns the signers of msg and a protov2 message for
// them (see signerCodec).
func (c signerCodec) GetMsgAnySigners(msg *codectypes.Any) ([][]byte, protov2.Message, error) {
	f, ok := c.fast[msg.TypeUrl]
	if !ok {
		return c.ProtoCodec.GetMsgAnySigners(msg)
	}
	s, ok := topLevelString(msg.Value, f.field.Number())
	if !ok || s == "" || !utf8.ValidString(s) {
		return c.ProtoCodec.GetMsgAnySigners(msg)
	}
	addr, err := c.InterfaceRegistry().SigningContext().AddressCodec().StringToBytes(s)
	if err != nil {
		return c.ProtoCodec.GetMsgAnySigners(msg)
	}
	m := dynamicpb.NewMessage(f.desc)
	m.Set(f.field, protoreflect.ValueOfString(s))
	return [][]byte{addr}, m, nil
}

// GetMsgV1Signers returns the signers of a decoded message (the compliance
// gate asks for every message of a tx): for the messages of fastSignerMsgs,
// read from their owner field (see signerCodec).
func (c signerCodec) GetMsgV1Signers(msg proto.Message) ([][]byte, protov2.Message, error) {
	if o, ok := msg.(interface{ GetOwner() string }); ok {
		if f, ok := c.fast["/"+proto.MessageName(msg)]; ok && f.field.Name() == "owner" {
			if s := o.GetOwner(); s != "" && utf8.ValidString(s) {
				if addr, err := c.InterfaceRegistry().SigningContext().AddressCodec().StringToBytes(s); err == nil {
					m := dynamicpb.NewMessage(f.desc)
					m.Set(f.field, protoreflect.ValueOfString(s))
					return [][]byte{addr}, m, nil
				}
			}
		}
	}
	return c.ProtoCodec.GetMsgV1Signers(msg)
}

// topLevelString returns the last value of string field num in the
// top-level fields of message bytes bz (protobuf: the last one wins); false
// if bz does not parse or has no such field.
func topLevelString(bz []byte, num protowire.Number) (string, bool) {
	var s string
	found := false
	for len(bz) > 0 {
		n, typ, l := protowire.ConsumeTag(bz)
		if l < 0 {
			return "", false
		}
		bz = bz[l:]
		if n == num {
			if typ != protowire.BytesType {
				return "", false
			}
			v, l := protowire.ConsumeBytes(bz)
			if l < 0 {
				return "", false
			}
			s, found = string(v), true
			bz = bz[l:]
			continue
		}
		l = protowire.ConsumeFieldValue(n, typ, bz)
		if l < 0 {
			return "", false
		}
		bz = bz[l:]
	}
	return s, found
}

// EncodingConfig returns the app's codecs.
func (app *ClearApp) EncodingConfig() EncodingConfig {
	return EncodingConfig{
		InterfaceRegistry: app.interfaceRegistry,
		Codec:             app.appCodec,
		TxConfig:          app.txConfig,
		Amino:             app.legacyAmino,
	}
}
