package types

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// The order lane (x/exchange/README.md "The order lane"): one MsgPlaceOrder
// signed by its owner's secp256k1 key over a short sign doc, without the
// SDK tx around it — no account number, sequence, fee or sign mode. It is
// sent as a tx (CometBFT's mempool carries and gossips it; BroadcastTx
// takes it) and placed by the same Msg server as a MsgPlaceOrder in an
// SDK tx, after the same compliance gate, order gas and rate limit. Replay
// protection is the SDK's unordered nonce: (owner, timeout) is used once,
// and the timeout is at most 10 minutes after the block time.
//
// Wire format: LaneTxPrefix, then a protobuf message with exactly these
// fields, each once, in this order, nothing else:
//
//	1: bytes  order      — MsgPlaceOrder, in its canonical protobuf encoding
//	2: uint64 timeout    — unix nanoseconds (varint), the last block time
//	                       the order may be included at
//	3: bytes  pub_key    — the owner's compressed secp256k1 key (33 bytes)
//	4: bytes  signature  — over LaneSignDoc (64 bytes, r || s, low s)
//
// The prefix starts with a zero byte, which no protobuf tx (an SDK TxRaw
// starts with field 1's tag, 0x0a) can, so a lane tx is never mistaken for
// an SDK tx and the other way round.

// LaneTxPrefix starts every lane tx.
var LaneTxPrefix = []byte{0x00, 'C', 'L', 'O', 0x01}

// laneSignDomain starts every lane sign doc.
const laneSignDomain = "clearchain/order-lane/v1\n"

// Lane sizes.
const (
	LanePubKeyLen    = 33
	LaneSignatureLen = 64
	// MaxLaneTxBytes bounds a lane tx: an order spec with the longest
	// client order id fits in a few hundred bytes.
	MaxLaneTxBytes = 2048
)

// LaneOrder is a decoded lane tx.
type LaneOrder struct {
	// OrderBytes is the canonical protobuf encoding of Msg.
	OrderBytes []byte
	Msg        *MsgPlaceOrder
	// TimeoutUnixNano is the order's timeout (the unordered nonce).
	TimeoutUnixNano uint64
	PubKey          []byte
	Signature       []byte
}

// IsLaneTx reports whether bz starts like a lane tx.
func IsLaneTx(bz []byte) bool { return bytes.HasPrefix(bz, LaneTxPrefix) }

// LaneSignDoc returns the bytes a lane order's owner signs: the domain,
// the chain id's length (varint) and bytes, the timeout (8 bytes, big
// endian) and the order's bytes.
func LaneSignDoc(chainID string, timeoutUnixNano uint64, orderBytes []byte) []byte {
	doc := make([]byte, 0, len(laneSignDomain)+binary.MaxVarintLen64+len(chainID)+8+len(orderBytes))
	doc = append(doc, laneSignDomain...)
	doc = binary.AppendUvarint(doc, uint64(len(chainID)))
	doc = append(doc, chainID...)
	doc = binary.BigEndian.AppendUint64(doc, timeoutUnixNano)
	return append(doc, orderBytes...)
}

// EncodeLaneTx encodes a lane tx.
func EncodeLaneTx(orderBytes []byte, timeoutUnixNano uint64, pubKey, signature []byte) []byte {
	bz := append([]byte{}, LaneTxPrefix...)
	bz = protowire.AppendTag(bz, 1, protowire.BytesType)
	bz = protowire.AppendBytes(bz, orderBytes)
	bz = protowire.AppendTag(bz, 2, protowire.VarintType)
	bz = protowire.AppendVarint(bz, timeoutUnixNano)
	bz = protowire.AppendTag(bz, 3, protowire.BytesType)
	bz = protowire.AppendBytes(bz, pubKey)
	bz = protowire.AppendTag(bz, 4, protowire.BytesType)
	return protowire.AppendBytes(bz, signature)
}

// SignLaneTx returns the lane tx of msg on chainID, valid until
// timeoutUnixNano: sign signs the sign doc it is handed and returns the
// signature (r ‖ s) and the signer's compressed secp256k1 public key.
// The Go client (client.Signer) and the CLI (tx exchange place-lane) sign
// with it.
func SignLaneTx(chainID string, msg *MsgPlaceOrder, timeoutUnixNano uint64, sign func(doc []byte) (sig, pubKey []byte, err error)) ([]byte, error) {
	order, err := msg.Marshal()
	if err != nil {
		return nil, err
	}
	sig, pub, err := sign(LaneSignDoc(chainID, timeoutUnixNano, order))
	if err != nil {
		return nil, err
	}
	if len(pub) != LanePubKeyLen || len(sig) != LaneSignatureLen {
		return nil, fmt.Errorf("%w: a %d-byte key and %d-byte signature, want a compressed secp256k1 key (%d) and r||s (%d)",
			ErrLaneTx, len(pub), len(sig), LanePubKeyLen, LaneSignatureLen)
	}
	return EncodeLaneTx(order, timeoutUnixNano, pub, sig), nil
}

// ErrLaneTx is the decode error of a malformed lane tx.
var ErrLaneTx = errors.New("lane tx")

// DecodeLaneTx decodes a lane tx strictly: the prefix, the four fields
// once each in order, nothing after them, a key and a signature of their
// lengths, a non-zero timeout, and an order whose bytes are its canonical
// encoding (so one signed order has one encoding). It checks no signature
// and no state.
func DecodeLaneTx(bz []byte) (*LaneOrder, error) {
	if len(bz) > MaxLaneTxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrLaneTx, len(bz), MaxLaneTxBytes)
	}
	if !IsLaneTx(bz) {
		return nil, fmt.Errorf("%w: no lane prefix", ErrLaneTx)
	}
	rest := bz[len(LaneTxPrefix):]
	field := func(num protowire.Number, typ protowire.Type) error {
		n, t, l := protowire.ConsumeTag(rest)
		if l < 0 || n != num || t != typ {
			return fmt.Errorf("%w: field %d missing, out of order or of the wrong type", ErrLaneTx, num)
		}
		rest = rest[l:]
		return nil
	}
	bytesField := func(num protowire.Number, name string) ([]byte, error) {
		if err := field(num, protowire.BytesType); err != nil {
			return nil, err
		}
		v, l := protowire.ConsumeBytes(rest)
		if l < 0 {
			return nil, fmt.Errorf("%w: %s: truncated", ErrLaneTx, name)
		}
		rest = rest[l:]
		return v, nil
	}
	var o LaneOrder
	var err error
	if o.OrderBytes, err = bytesField(1, "order"); err != nil {
		return nil, err
	}
	if err := field(2, protowire.VarintType); err != nil {
		return nil, err
	}
	t, l := protowire.ConsumeVarint(rest)
	if l < 0 {
		return nil, fmt.Errorf("%w: timeout: truncated", ErrLaneTx)
	}
	o.TimeoutUnixNano, rest = t, rest[l:]
	if o.PubKey, err = bytesField(3, "pub_key"); err != nil {
		return nil, err
	}
	if o.Signature, err = bytesField(4, "signature"); err != nil {
		return nil, err
	}
	switch {
	case len(rest) != 0:
		return nil, fmt.Errorf("%w: %d bytes after the signature", ErrLaneTx, len(rest))
	case len(o.PubKey) != LanePubKeyLen:
		return nil, fmt.Errorf("%w: pub_key is %d bytes, a compressed secp256k1 key %d", ErrLaneTx, len(o.PubKey), LanePubKeyLen)
	case len(o.Signature) != LaneSignatureLen:
		return nil, fmt.Errorf("%w: signature is %d bytes, want %d", ErrLaneTx, len(o.Signature), LaneSignatureLen)
	case o.TimeoutUnixNano == 0 || o.TimeoutUnixNano > 1<<63-1:
		return nil, fmt.Errorf("%w: timeout %d is not a time", ErrLaneTx, o.TimeoutUnixNano)
	}
	o.Msg = new(MsgPlaceOrder)
	if err := o.Msg.Unmarshal(o.OrderBytes); err != nil {
		return nil, fmt.Errorf("%w: order: %v", ErrLaneTx, err)
	}
	canon, err := o.Msg.Marshal()
	if err != nil || !bytes.Equal(canon, o.OrderBytes) {
		return nil, fmt.Errorf("%w: order bytes are not the canonical encoding of the order", ErrLaneTx)
	}
	return &o, nil
}
