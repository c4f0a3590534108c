package matching

import (
	"errors"
	"strconv"
)

// Price is a price in ticks of the market's quote currency. The keeper maps
// human prices to ticks; the engine never sees decimals. Valid prices are in
// [1, MaxPrice].
type Price int64

// Qty is a quantity in lots of the market's base asset. Valid order
// quantities are in [1, MaxQty].
type Qty uint64

// OrderID identifies an order within one book. The caller assigns ids; an id
// may not be used by two live orders of the same book at once.
type OrderID uint64

// OwnerID identifies the account that owns an order.
type OwnerID uint64

// EntityID identifies the legal entity behind an owner. Orders of the same
// entity never trade with each other: self-trade prevention applies instead.
type EntityID uint64

const (
	// MaxPrice is the largest valid price (and worst price, and trigger price).
	MaxPrice Price = 1<<62 - 1
	// MaxQty is the largest valid order quantity. It keeps sums of quantities
	// over a whole book far from overflowing a uint64.
	MaxQty Qty = 1 << 40
)

// Side is the side of an order.
type Side uint8

const (
	// SideNone is the zero value: no side. MassCancel uses it to mean "both".
	SideNone Side = iota
	// Buy is a bid.
	Buy
	// Sell is an ask.
	Sell
)

// OrderType is the kind of order placed.
type OrderType uint8

const (
	// Limit is a limit order; its TimeInForce decides what happens to the
	// part that does not fill at once.
	Limit OrderType = iota
	// Market trades at once against the book up to a worst price (Command.Price)
	// and cancels what is left. Its TimeInForce is IOC unless it is FOK.
	Market
	// StopLimit waits in the trigger book until the reference price reaches
	// its TriggerPrice, then enters as a Limit order at Price.
	StopLimit
	// StopMarket waits in the trigger book until the reference price reaches
	// its TriggerPrice, then enters as a Market order with worst price Price.
	StopMarket
)

// TimeInForce says how long the unfilled part of an order lives.
type TimeInForce uint8

const (
	// GTC rests until filled or cancelled.
	GTC TimeInForce = iota
	// GTB (good-til-block) rests until ExpireUpTo is called with a block >=
	// the order's ExpireBlock.
	GTB
	// GTT (good-til-time) rests until ExpireUpTo is called with a time >=
	// the order's ExpireTime.
	GTT
	// IOC (immediate-or-cancel) fills what it can at once and cancels the rest.
	IOC
	// FOK (fill-or-kill) fills entirely at once or is rejected without
	// touching the book.
	FOK
)

// STPMode is the self-trade prevention mode of an order. It applies when the
// order is the taker and meets a resting order of the same entity.
type STPMode uint8

const (
	// STPCancelNewest cancels the rest of the incoming (taker) order. It is
	// the zero value.
	STPCancelNewest STPMode = iota
	// STPCancelOldest cancels the resting (maker) order and goes on matching.
	STPCancelOldest
	// STPCancelBoth cancels the maker and the rest of the taker.
	STPCancelBoth
	// STPDecrement decreases both orders by their overlap: the smaller one is
	// cancelled (both if equal), the larger one keeps the difference (a maker
	// keeps its priority).
	STPDecrement
)

// Mode is the way a book matches.
type Mode uint8

const (
	// Continuous matches each command on arrival.
	Continuous Mode = iota
	// Auction accumulates orders (the book may cross) until RunAuction
	// executes them at one uniform clearing price.
	Auction
)

// CommandKind says what a Command does.
type CommandKind uint8

const (
	// CmdInvalid is the zero value; Apply rejects it.
	CmdInvalid CommandKind = iota
	// CmdPlace places a new order described by the Command's fields.
	CmdPlace
	// CmdCancel cancels order ID (resting or waiting in the trigger book).
	CmdCancel
	// CmdModify changes order ID to Price and Qty (the new remaining
	// quantity). A pure decrease at the same price keeps priority; anything
	// else is cancel-and-replace with a new time priority.
	CmdModify
	// CmdMassCancel cancels every order of Owner, on Side (SideNone: both),
	// in the order they were accepted.
	CmdMassCancel
	// CmdExpire expires the orders good until ExpireBlock or ExpireTime (see
	// Book.ExpireUpTo).
	CmdExpire
	// CmdReferencePrice reports reference price Price (see
	// Book.OnReferencePrice).
	CmdReferencePrice
)

// Command is one input to Book.Apply. It is a flat value; which fields matter
// depends on Kind (see CommandKind).
type Command struct {
	Kind     CommandKind
	Type     OrderType
	Side     Side
	TIF      TimeInForce
	STP      STPMode
	PostOnly bool

	// ID names the order (CmdPlace, CmdCancel, CmdModify).
	ID OrderID
	// Owner owns the order; CmdCancel and CmdModify must name the owner.
	Owner OwnerID
	// Entity is the owner's legal entity. Orders with equal Entity never
	// trade with each other (self-trade prevention), so the keeper must set
	// it: the entity id, or a value unique to the owner if it has none.
	Entity EntityID

	// Price is the limit price (Limit, StopLimit), the worst price (Market,
	// StopMarket), the new price (CmdModify) or the reference price
	// (CmdReferencePrice).
	Price Price
	// TriggerPrice is the stop price of StopLimit and StopMarket orders.
	TriggerPrice Price
	// Qty is the order quantity, or the new remaining quantity for CmdModify.
	Qty Qty

	// ExpireBlock is the expiry of a GTB order, or the block of CmdExpire.
	ExpireBlock int64
	// ExpireTime is the expiry of a GTT order, or the time of CmdExpire.
	ExpireTime int64
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EvNone is the zero value; the engine never emits it.
	EvNone EventKind = iota
	// EvAccepted: order OrderID was accepted with Price and Qty. The keeper
	// locks funds for Qty at Price. A cancel-and-replace emits EvCancelled
	// (ReasonReplaced) for the old terms and EvAccepted for the new ones.
	EvAccepted
	// EvRested: Qty of the order now rests on the book at Price.
	EvRested
	// EvFill: taker OrderID (of Owner, on Side) traded Qty at Price with maker
	// MakerID (of MakerOwner). Remaining and MakerRemaining are what each
	// order has left afterwards; Limit and MakerLimit are the two orders'
	// limit prices.
	EvFill
	// EvCancelled: Qty of the order was cancelled for Reason; Remaining is
	// what is still live (non-zero only for a reduction: ReasonReduced or an
	// STPDecrement that left the order alive). The keeper releases Qty.
	EvCancelled
	// EvRejected: the command for OrderID was refused for Reason and changed
	// nothing.
	EvRejected
	// EvTriggered: stop order OrderID left the trigger book; it is now
	// processed as a taker (fills, rests or is cancelled as usual).
	EvTriggered
	// EvExpired: Qty of the order expired (its whole remaining quantity).
	EvExpired
)

// Event is one output of the engine. It is flat (no pointers) so appending to
// a buffer with capacity never allocates.
type Event struct {
	Kind   EventKind
	Reason Reason
	// Side is the side of OrderID (the taker's side for a fill).
	Side Side
	// OrderID is the order the event is about (the taker for a fill).
	OrderID OrderID
	Owner   OwnerID
	// Entity is the legal entity of OrderID (the command's Entity for a
	// rejection).
	Entity EntityID
	// MakerID, MakerOwner and MakerEntity name the maker of a fill (zero
	// otherwise).
	MakerID     OrderID
	MakerOwner  OwnerID
	MakerEntity EntityID
	// Price is the order's price; for a fill, the execution price.
	Price Price
	// Limit and MakerLimit are, on a fill, the limit (or worst) prices of
	// the taker and of the maker: the prices their locks were computed at,
	// which the keeper releases from. Zero on other events.
	Limit, MakerLimit Price
	Qty               Qty
	// Remaining is OrderID's remaining open quantity after the event.
	Remaining Qty
	// MakerRemaining is the maker's remaining quantity after a fill.
	MakerRemaining Qty
}

// Reason explains a rejection or a cancellation.
type Reason uint8

const (
	// ReasonNone: no reason (accepted, rested, filled, triggered, expired).
	ReasonNone Reason = iota

	// ReasonInvalidCommand: the command kind is unknown.
	ReasonInvalidCommand
	// ReasonInvalidSide: the side is neither Buy nor Sell.
	ReasonInvalidSide
	// ReasonInvalidType: the order type is unknown.
	ReasonInvalidType
	// ReasonInvalidTIF: the time in force is unknown or does not fit the type.
	ReasonInvalidTIF
	// ReasonInvalidSTP: the self-trade prevention mode is unknown.
	ReasonInvalidSTP
	// ReasonInvalidPrice: a price is outside [1, MaxPrice].
	ReasonInvalidPrice
	// ReasonInvalidQty: a quantity is outside [1, MaxQty].
	ReasonInvalidQty
	// ReasonInvalidFlags: post-only on an order that cannot rest or on a stop.
	ReasonInvalidFlags
	// ReasonDuplicateID: a live order already has this id.
	ReasonDuplicateID
	// ReasonUnknownOrder: no live order has this id.
	ReasonUnknownOrder
	// ReasonNotOwner: the order belongs to another owner.
	ReasonNotOwner
	// ReasonAlreadyExpired: the GTB/GTT expiry is not after the last ExpireUpTo.
	ReasonAlreadyExpired
	// ReasonWouldCross: a post-only order would have taken liquidity.
	ReasonWouldCross
	// ReasonFOKUnfillable: a fill-or-kill order could not fill entirely.
	ReasonFOKUnfillable
	// ReasonNoChange: a modify asked for the terms the order already has.
	ReasonNoChange
	// ReasonStopNotModifiable: stop orders are cancelled, not modified.
	ReasonStopNotModifiable
	// ReasonNotInAuction: FOK and post-only orders are refused in Auction mode.
	ReasonNotInAuction

	// ReasonCancelled: cancelled by a CmdCancel.
	ReasonCancelled
	// ReasonMassCancel: cancelled by a CmdMassCancel.
	ReasonMassCancel
	// ReasonReplaced: the old terms of a cancel-and-replace modify.
	ReasonReplaced
	// ReasonReduced: a modify decreased the quantity in place.
	ReasonReduced
	// ReasonUnfilled: the unfilled rest of an IOC, FOK or market order.
	ReasonUnfilled
	// ReasonSelfTrade: cancelled or decremented by self-trade prevention.
	ReasonSelfTrade
	// ReasonBand: the rest of a taker whose walk reached a crossing level
	// priced outside the book's price band (Book.SetBand); it cannot rest,
	// since it would cross that level.
	ReasonBand

	reasonCount
)

var reasonNames = [...]string{
	"none", "invalid-command", "invalid-side", "invalid-type", "invalid-tif",
	"invalid-stp", "invalid-price", "invalid-qty", "invalid-flags",
	"duplicate-id", "unknown-order", "not-owner", "already-expired",
	"would-cross", "fok-unfillable", "no-change", "stop-not-modifiable",
	"not-in-auction", "cancelled", "mass-cancel", "replaced", "reduced",
	"unfilled", "self-trade", "band",
}

// String returns the reason's kebab-case name.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// Err returns the reason as an error with the "matching: " prefix, or nil for
// ReasonNone.
func (r Reason) Err() error {
	if r == ReasonNone {
		return nil
	}
	if int(r) < len(reasonErrs) {
		return reasonErrs[r]
	}
	return errors.New("matching: " + r.String())
}

var reasonErrs = func() []error {
	errs := make([]error, reasonCount)
	for i := 1; i < int(reasonCount); i++ {
		errs[i] = errors.New("matching: " + Reason(i).String())
	}
	return errs
}()

// Errors returned by the book's non-command methods.
var (
	// ErrUnknownOrder is returned when an order id is not live in the book.
	ErrUnknownOrder = ReasonUnknownOrder.Err()
	// ErrDuplicateID is returned by LoadOrder for an id already loaded.
	ErrDuplicateID = ReasonDuplicateID.Err()
	// ErrInvalidOrder is returned by LoadOrder for an order with invalid fields.
	ErrInvalidOrder = errors.New("matching: invalid order")
	// ErrOutOfOrder is returned by LoadOrder when a level's orders are not
	// loaded in FIFO (ascending Seq) order.
	ErrOutOfOrder = errors.New("matching: orders of a level loaded out of FIFO order")
	// ErrCrossed is returned by SetMode when a crossed book would become
	// continuous.
	ErrCrossed = errors.New("matching: book is crossed; run the auction first")
)

// String returns "buy", "sell" or "none".
func (s Side) String() string {
	switch s {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	case SideNone:
		return "none"
	}
	return "side(" + strconv.Itoa(int(s)) + ")"
}

// Opposite returns the other side.
func (s Side) Opposite() Side {
	switch s {
	case Buy:
		return Sell
	case Sell:
		return Buy
	}
	return SideNone
}

var typeNames = [...]string{"limit", "market", "stop-limit", "stop-market"}

// String returns the type's kebab-case name.
func (t OrderType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

var tifNames = [...]string{"gtc", "gtb", "gtt", "ioc", "fok"}

// String returns "gtc", "gtb", "gtt", "ioc" or "fok".
func (t TimeInForce) String() string {
	if int(t) < len(tifNames) {
		return tifNames[t]
	}
	return "tif(" + strconv.Itoa(int(t)) + ")"
}

var stpNames = [...]string{"cancel-newest", "cancel-oldest", "cancel-both", "decrement"}

// String returns the mode's kebab-case name.
func (m STPMode) String() string {
	if int(m) < len(stpNames) {
		return stpNames[m]
	}
	return "stp(" + strconv.Itoa(int(m)) + ")"
}

// String returns "continuous" or "auction".
func (m Mode) String() string {
	switch m {
	case Continuous:
		return "continuous"
	case Auction:
		return "auction"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

var cmdNames = [...]string{"invalid", "place", "cancel", "modify", "mass-cancel", "expire", "reference-price"}

// String returns the kind's kebab-case name.
func (k CommandKind) String() string {
	if int(k) < len(cmdNames) {
		return cmdNames[k]
	}
	return "command(" + strconv.Itoa(int(k)) + ")"
}

var evNames = [...]string{"none", "accepted", "rested", "fill", "cancelled", "rejected", "triggered", "expired"}

// String returns the kind's name.
func (k EventKind) String() string {
	if int(k) < len(evNames) {
		return evNames[k]
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// String renders the event on one line, for logs and tests.
func (e Event) String() string {
	var buf [160]byte
	return string(e.AppendTo(buf[:0]))
}

// AppendTo appends the String form of the event to dst.
func (e Event) AppendTo(dst []byte) []byte {
	dst = append(dst, e.Kind.String()...)
	dst = append(dst, " id="...)
	dst = strconv.AppendUint(dst, uint64(e.OrderID), 10)
	dst = append(dst, " owner="...)
	dst = strconv.AppendUint(dst, uint64(e.Owner), 10)
	dst = append(dst, ' ')
	dst = append(dst, e.Side.String()...)
	switch e.Kind {
	case EvFill:
		dst = append(dst, " maker="...)
		dst = strconv.AppendUint(dst, uint64(e.MakerID), 10)
		dst = append(dst, " maker-owner="...)
		dst = strconv.AppendUint(dst, uint64(e.MakerOwner), 10)
		dst = append(dst, " limit="...)
		dst = strconv.AppendInt(dst, int64(e.Limit), 10)
		dst = append(dst, " maker-limit="...)
		dst = strconv.AppendInt(dst, int64(e.MakerLimit), 10)
	}
	if e.Kind != EvRejected {
		dst = append(dst, " price="...)
		dst = strconv.AppendInt(dst, int64(e.Price), 10)
		dst = append(dst, " qty="...)
		dst = strconv.AppendUint(dst, uint64(e.Qty), 10)
	}
	switch e.Kind {
	case EvFill:
		dst = append(dst, " rem="...)
		dst = strconv.AppendUint(dst, uint64(e.Remaining), 10)
		dst = append(dst, " maker-rem="...)
		dst = strconv.AppendUint(dst, uint64(e.MakerRemaining), 10)
	case EvCancelled:
		dst = append(dst, " rem="...)
		dst = strconv.AppendUint(dst, uint64(e.Remaining), 10)
	}
	if e.Reason != ReasonNone {
		dst = append(dst, " reason="...)
		dst = append(dst, e.Reason.String()...)
	}
	return dst
}
