package types

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	sdkmath "cosmossdk.io/math"

	"github.com/clearchain/clearchain/matching"
)

// Binary store encodings of the book's price levels and of queued commands
// (README.md, "Binary encodings"). They replace protobuf on EndBlock's hot
// path: fixed-width big-endian fields, a version byte, no varints, no
// reflection. Encoding is deterministic (one byte string per value) and
// decoding validates everything: corrupt or hostile bytes give an error,
// never a panic.

// EncodingVersion is the version byte of the binary encodings.
const EncodingVersion byte = 1

// Order record flags.
const (
	flagPostOnly    = 1 << 0
	flagTrigger     = 1 << 1
	flagExpireBlock = 1 << 2
	flagExpireTime  = 1 << 3
	flagsKnown      = flagPostOnly | flagTrigger | flagExpireBlock | flagExpireTime
)

const (
	// orderFixedLen is the fixed part of an order record.
	orderFixedLen = 54
	// MaxClientIDLen bounds a client order id in an order record.
	MaxClientIDLen = 64
	// levelHeaderLen is a level value's header: version, count.
	levelHeaderLen = 1 + 4
)

// ErrBadEncoding is returned for bytes that are not a valid encoding.
var ErrBadEncoding = errors.New("exchange: bad binary encoding")

func badEncoding(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadEncoding}, args...)...)
}

// AppendOrder appends the record of o to dst:
//
//	off len field
//	  0   8 id             (uint64, big-endian, as every integer here)
//	  8   8 owner_id
//	 16   8 entity_id
//	 24   8 seq
//	 32   8 price          (int64)
//	 40   8 quantity
//	 48   1 side           (proto enum value)
//	 49   1 type           (proto enum value)
//	 50   1 time_in_force  (proto enum value)
//	 51   1 stp            (proto enum value)
//	 52   1 flags          bit 0 post_only, bit 1 trigger_price follows,
//	                       bit 2 expire_block follows, bit 3 expire_time follows
//	 53   1 n = len(client_order_id), at most 64
//	 54   8 trigger_price  (int64) if flag bit 1
//	      8 expire_block   (int64) if flag bit 2
//	      8 expire_time    (int64) if flag bit 3
//	      n client_order_id
//
// Optional fields are present exactly when non-zero. It returns an error for
// an order that has no valid record (a client id longer than 64 bytes, an
// enum out of range).
func AppendOrder(dst []byte, o *LevelOrder) ([]byte, error) {
	if len(o.ClientOrderId) > MaxClientIDLen {
		return dst, badEncoding("client order id of %d bytes", len(o.ClientOrderId))
	}
	if uint32(o.Side) > 2 || uint32(o.Type) > 4 || uint32(o.TimeInForce) > 5 || uint32(o.Stp) > 4 {
		return dst, badEncoding("order %d: enum out of range", o.Id)
	}
	var flags byte
	if o.PostOnly {
		flags |= flagPostOnly
	}
	if o.TriggerPrice != 0 {
		flags |= flagTrigger
	}
	if o.ExpireBlock != 0 {
		flags |= flagExpireBlock
	}
	if o.ExpireTime != 0 {
		flags |= flagExpireTime
	}
	dst = binary.BigEndian.AppendUint64(dst, o.Id)
	dst = binary.BigEndian.AppendUint64(dst, o.OwnerId)
	dst = binary.BigEndian.AppendUint64(dst, o.EntityId)
	dst = binary.BigEndian.AppendUint64(dst, o.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(o.Price))
	dst = binary.BigEndian.AppendUint64(dst, o.Quantity)
	dst = append(dst, byte(o.Side), byte(o.Type), byte(o.TimeInForce), byte(o.Stp), flags, byte(len(o.ClientOrderId)))
	if flags&flagTrigger != 0 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(o.TriggerPrice))
	}
	if flags&flagExpireBlock != 0 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(o.ExpireBlock))
	}
	if flags&flagExpireTime != 0 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(o.ExpireTime))
	}
	return append(dst, o.ClientOrderId...), nil
}

// DecodeOrder decodes one order record from the front of bz and returns
// the rest.
func DecodeOrder(bz []byte, o *LevelOrder) ([]byte, error) {
	if len(bz) < orderFixedLen {
		return nil, badEncoding("order record of %d bytes", len(bz))
	}
	be := binary.BigEndian
	*o = LevelOrder{
		Id: be.Uint64(bz[0:]), OwnerId: be.Uint64(bz[8:]), EntityId: be.Uint64(bz[16:]), Seq: be.Uint64(bz[24:]),
		Price: int64(be.Uint64(bz[32:])), Quantity: be.Uint64(bz[40:]),
		Side: Side(bz[48]), Type: OrderType(bz[49]), TimeInForce: TimeInForce(bz[50]), Stp: STPMode(bz[51]),
	}
	flags, n := bz[52], int(bz[53])
	switch {
	case bz[48] > 2 || bz[49] > 4 || bz[50] > 5 || bz[51] > 4:
		return nil, badEncoding("order %d: enum out of range", o.Id)
	case flags&^flagsKnown != 0:
		return nil, badEncoding("order %d: unknown flags %#x", o.Id, flags)
	case n > MaxClientIDLen:
		return nil, badEncoding("order %d: client id of %d bytes", o.Id, n)
	}
	o.PostOnly = flags&flagPostOnly != 0
	bz = bz[orderFixedLen:]
	opt := func(bit byte, dst *int64) bool {
		if flags&bit == 0 {
			return true
		}
		if len(bz) < 8 {
			return false
		}
		*dst = int64(be.Uint64(bz))
		bz = bz[8:]
		return *dst != 0 // present means non-zero: one encoding per value
	}
	if !opt(flagTrigger, &o.TriggerPrice) || !opt(flagExpireBlock, &o.ExpireBlock) || !opt(flagExpireTime, &o.ExpireTime) {
		return nil, badEncoding("order %d: truncated or zero optional field", o.Id)
	}
	if len(bz) < n {
		return nil, badEncoding("order %d: truncated client id", o.Id)
	}
	if n > 0 {
		o.ClientOrderId = string(bz[:n])
	}
	return bz[n:], nil
}

// AppendLevelHeader appends a level value's header: the version byte and
// the number of order records that follow (uint32).
func AppendLevelHeader(dst []byte, n int) []byte {
	return binary.BigEndian.AppendUint32(append(dst, EncodingVersion), uint32(n))
}

// EncodeLevel encodes a level: its header, then its orders' records in FIFO
// order.
func EncodeLevel(orders []LevelOrder) ([]byte, error) {
	bz := AppendLevelHeader(make([]byte, 0, levelHeaderLen+len(orders)*orderFixedLen), len(orders))
	var err error
	for i := range orders {
		if bz, err = AppendOrder(bz, &orders[i]); err != nil {
			return nil, err
		}
	}
	return bz, nil
}

// DecodeLevel decodes a level value and calls fn with each order in FIFO
// order; o is only valid during the call.
func DecodeLevel(bz []byte, fn func(o *LevelOrder) error) error {
	if len(bz) < levelHeaderLen || bz[0] != EncodingVersion {
		return badEncoding("level header")
	}
	n := binary.BigEndian.Uint32(bz[1:])
	if n == 0 || uint64(n) > uint64(len(bz)/orderFixedLen) {
		return badEncoding("level of %d orders in %d bytes", n, len(bz))
	}
	bz = bz[levelHeaderLen:]
	var o LevelOrder
	var err error
	for i := uint32(0); i < n; i++ {
		if bz, err = DecodeOrder(bz, &o); err != nil {
			return err
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
	if len(bz) != 0 {
		return badEncoding("%d trailing bytes after a level", len(bz))
	}
	return nil
}

// DecodeLevelOrders decodes a level value into its orders.
func DecodeLevelOrders(bz []byte) ([]LevelOrder, error) {
	var out []LevelOrder
	err := DecodeLevel(bz, func(o *LevelOrder) error {
		out = append(out, *o)
		return nil
	})
	return out, err
}

// cmdFlagPrelocked, in the kind byte of a command, says a prelocked amount
// (AppendAmount) follows the order record.
const cmdFlagPrelocked = 0x80

// AppendCommand appends the encoding of a queued command: the version byte,
// kind (1 byte, proto enum value; bit 7 set when prelocked follows), market
// id (uint64), its order record (see AppendOrder), then prelocked (see
// AppendAmount) if it is set.
func AppendCommand(dst []byte, c *QueuedCommand) ([]byte, error) {
	if c.Kind < CommandKind_COMMAND_KIND_PLACE || c.Kind > CommandKind_COMMAND_KIND_MASS_CANCEL {
		return dst, badEncoding("command kind %d", c.Kind)
	}
	kind := byte(c.Kind)
	pre := c.Prelocked != nil && !c.Prelocked.IsNil()
	if pre {
		if c.Prelocked.IsNegative() {
			return dst, badEncoding("negative prelocked amount")
		}
		kind |= cmdFlagPrelocked
	}
	dst = append(dst, EncodingVersion, kind)
	dst = binary.BigEndian.AppendUint64(dst, c.MarketId)
	dst, err := AppendOrder(dst, &c.Order)
	if err != nil || !pre {
		return dst, err
	}
	return AppendAmount(dst, c.Prelocked.BigInt())
}

// DecodeCommand decodes a queued command into c.
func DecodeCommand(bz []byte, c *QueuedCommand) error {
	if len(bz) < 10 || bz[0] != EncodingVersion {
		return badEncoding("command header")
	}
	c.Kind = CommandKind(bz[1] &^ cmdFlagPrelocked)
	if c.Kind < CommandKind_COMMAND_KIND_PLACE || c.Kind > CommandKind_COMMAND_KIND_MASS_CANCEL {
		return badEncoding("command kind %d", bz[1])
	}
	c.MarketId = binary.BigEndian.Uint64(bz[2:])
	rest, err := DecodeOrder(bz[10:], &c.Order)
	if err != nil {
		return err
	}
	c.Prelocked = nil
	if bz[1]&cmdFlagPrelocked != 0 {
		var v big.Int
		if rest, err = DecodeAmount(rest, &v); err != nil {
			return err
		}
		amt := sdkmath.NewIntFromBigInt(&v)
		c.Prelocked = &amt
	}
	if len(rest) != 0 {
		return badEncoding("%d trailing bytes after a command", len(rest))
	}
	return nil
}

// CommandValue is the collections value codec of queued commands: the
// binary encoding in the store, protobuf JSON for genesis-like tooling.
type CommandValue struct {
	JSON collcodec.ValueCodec[QueuedCommand]
}

var _ collcodec.ValueCodec[QueuedCommand] = CommandValue{}

// Encode implements collcodec.ValueCodec.
func (CommandValue) Encode(c QueuedCommand) ([]byte, error) {
	return AppendCommand(make([]byte, 0, 10+orderFixedLen+len(c.Order.ClientOrderId)+24), &c)
}

// Decode implements collcodec.ValueCodec.
func (CommandValue) Decode(bz []byte) (QueuedCommand, error) {
	var c QueuedCommand
	err := DecodeCommand(bz, &c)
	return c, err
}

// EncodeJSON implements collcodec.ValueCodec.
func (v CommandValue) EncodeJSON(c QueuedCommand) ([]byte, error) { return v.JSON.EncodeJSON(c) }

// DecodeJSON implements collcodec.ValueCodec.
func (v CommandValue) DecodeJSON(bz []byte) (QueuedCommand, error) { return v.JSON.DecodeJSON(bz) }

// Stringify implements collcodec.ValueCodec.
func (v CommandValue) Stringify(c QueuedCommand) string { return v.JSON.Stringify(c) }

// ValueType implements collcodec.ValueCodec.
func (CommandValue) ValueType() string { return "clearchain.exchange.v1.QueuedCommand/binary-v1" }

// LevelStoreKey is the levels key of a level of a market.
func LevelStoreKey(market uint64, k matching.LevelKey) collections.Triple[uint64, uint32, int64] {
	return collections.Join3(market, LevelKind(k), int64(k.Price))
}

// RawBytesValue is a collections value codec for values the keeper encodes
// itself (levels): unlike collections.BytesValue it does not copy, so the
// caller must never change a slice after handing it to the store, nor keep
// one it got from the store beyond the call.
var RawBytesValue collcodec.ValueCodec[[]byte] = rawBytes{}

type rawBytes struct{}

func (rawBytes) Encode(b []byte) ([]byte, error) { return b, nil }
func (rawBytes) Decode(b []byte) ([]byte, error) { return b, nil }
func (rawBytes) EncodeJSON(b []byte) ([]byte, error) {
	return collections.BytesValue.EncodeJSON(b)
}
func (rawBytes) DecodeJSON(b []byte) ([]byte, error) {
	return collections.BytesValue.DecodeJSON(b)
}
func (rawBytes) Stringify(b []byte) string { return collections.BytesValue.Stringify(b) }
func (rawBytes) ValueType() string         { return "raw-bytes" }

// BalanceValue is the collections value codec of exchange balances: the
// version byte, then free and locked, each as a length byte n (at most 32:
// 256-bit amounts, as sdkmath.Int) and n big-endian magnitude bytes with no
// leading zero byte (zero is n = 0). Amounts are never negative.
type BalanceValue struct {
	JSON collcodec.ValueCodec[Balance]
}

var _ collcodec.ValueCodec[Balance] = BalanceValue{}

const maxAmountBytes = 32

// AppendAmount appends the encoding of a non-negative amount.
func AppendAmount(dst []byte, v *big.Int) ([]byte, error) {
	if v.Sign() < 0 {
		return dst, badEncoding("negative amount %s", v)
	}
	n := (v.BitLen() + 7) / 8
	if n > maxAmountBytes {
		return dst, badEncoding("amount of %d bytes", n)
	}
	dst = append(dst, byte(n))
	l := len(dst)
	dst = append(dst, make([]byte, n)...)
	v.FillBytes(dst[l:])
	return dst, nil
}

// DecodeAmount decodes an amount from the front of bz into v and returns the
// rest.
func DecodeAmount(bz []byte, v *big.Int) ([]byte, error) {
	if len(bz) < 1 {
		return nil, badEncoding("truncated amount")
	}
	n := int(bz[0])
	if n > maxAmountBytes || len(bz) < 1+n || (n > 0 && bz[1] == 0) {
		return nil, badEncoding("amount of %d bytes", n)
	}
	v.SetBytes(bz[1 : 1+n])
	return bz[1+n:], nil
}

// Encode implements collcodec.ValueCodec.
func (BalanceValue) Encode(b Balance) ([]byte, error) {
	if b.Free.IsNil() || b.Locked.IsNil() {
		return nil, badEncoding("nil balance amount")
	}
	bz, err := AppendAmount(make([]byte, 1, 1+2+2*16), b.Free.BigIntMut())
	if err != nil {
		return nil, err
	}
	bz[0] = EncodingVersion
	return AppendAmount(bz, b.Locked.BigIntMut())
}

// DecodeBalance decodes a balance's two amounts.
func DecodeBalance(bz []byte, free, locked *big.Int) error {
	if len(bz) < 1 || bz[0] != EncodingVersion {
		return badEncoding("balance header")
	}
	rest, err := DecodeAmount(bz[1:], free)
	if err != nil {
		return err
	}
	if rest, err = DecodeAmount(rest, locked); err != nil {
		return err
	}
	if len(rest) != 0 {
		return badEncoding("%d trailing bytes after a balance", len(rest))
	}
	return nil
}

// Decode implements collcodec.ValueCodec.
func (BalanceValue) Decode(bz []byte) (Balance, error) {
	var free, locked big.Int
	if err := DecodeBalance(bz, &free, &locked); err != nil {
		return Balance{}, err
	}
	return Balance{Free: sdkmath.NewIntFromBigInt(&free), Locked: sdkmath.NewIntFromBigInt(&locked)}, nil
}

// EncodeJSON implements collcodec.ValueCodec.
func (v BalanceValue) EncodeJSON(b Balance) ([]byte, error) { return v.JSON.EncodeJSON(b) }

// DecodeJSON implements collcodec.ValueCodec.
func (v BalanceValue) DecodeJSON(bz []byte) (Balance, error) { return v.JSON.DecodeJSON(bz) }

// Stringify implements collcodec.ValueCodec.
func (v BalanceValue) Stringify(b Balance) string { return v.JSON.Stringify(b) }

// ValueType implements collcodec.ValueCodec.
func (BalanceValue) ValueType() string { return "clearchain.exchange.v1.Balance/binary-v1" }

// LevelLen returns the number of orders a level value holds (0 if it is
// not a valid header).
func LevelLen(bz []byte) int {
	if len(bz) < levelHeaderLen || bz[0] != EncodingVersion {
		return 0
	}
	return int(binary.BigEndian.Uint32(bz[1:]))
}

// LevelRecords returns the order records of a level value, after its header.
func LevelRecords(bz []byte) []byte {
	if len(bz) < levelHeaderLen {
		return nil
	}
	return bz[levelHeaderLen:]
}

// SkipOrders returns recs without its first n order records.
func SkipOrders(recs []byte, n int) ([]byte, error) {
	for i := 0; i < n; i++ {
		if len(recs) < orderFixedLen {
			return nil, badEncoding("truncated order record")
		}
		flags := recs[52]
		l := orderFixedLen + int(recs[53])
		for _, bit := range [...]byte{flagTrigger, flagExpireBlock, flagExpireTime} {
			if flags&bit != 0 {
				l += 8
			}
		}
		if len(recs) < l {
			return nil, badEncoding("truncated order record")
		}
		recs = recs[l:]
	}
	return recs, nil
}

// SetOrderQuantity overwrites the quantity of the order record at the front
// of rec.
func SetOrderQuantity(rec []byte, q uint64) error {
	if len(rec) < orderFixedLen {
		return badEncoding("truncated order record")
	}
	binary.BigEndian.PutUint64(rec[40:], q)
	return nil
}
