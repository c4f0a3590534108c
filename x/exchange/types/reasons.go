package types

import (
	"encoding/binary"

	errorsmod "cosmossdk.io/errors"
)

// Reason texts the keeper gives (events' "reason", statuses' reason_text)
// besides the engine's (matching.Reason names). Every text maps to one
// OrderReason (ReasonCode).
const (
	ReasonTextAssetPaused         = "asset-paused"
	ReasonTextSweepPending        = "sweep-pending"
	ReasonTextMarketHalted        = "market-halted"
	ReasonTextMarketCancelOnly    = "market-cancel-only"
	ReasonTextMarketPostOnly      = "market-post-only"
	ReasonTextIneligible          = "ineligible"
	ReasonTextForceCancel         = "force-cancel"
	ReasonTextHeartbeatLapsed     = "heartbeat-lapsed"
	ReasonTextInsufficientBalance = "insufficient-balance"
	ReasonTextDuplicateClientID   = "duplicate-client-id"
	ReasonTextOwnerOrderCap       = "owner-order-cap"
	ReasonTextFilled              = "filled"
	ReasonTextExpired             = "expired"
	// ReasonTextLimitState: a limit order priced beyond the limit prices
	// of a market in the circuit breaker's limit state (code OUTSIDE_BAND).
	ReasonTextLimitState = "limit-state"
)

// reasonCodes maps every reason text in use to its code. Texts not listed
// map to UNSPECIFIED (a new text must be added here: TestEveryReasonTextHasACode).
var reasonCodes = map[string]OrderReason{
	// The engine's (matching.Reason.String()).
	"invalid-command":     OrderReason_ORDER_REASON_INVALID,
	"invalid-side":        OrderReason_ORDER_REASON_INVALID,
	"invalid-type":        OrderReason_ORDER_REASON_INVALID,
	"invalid-tif":         OrderReason_ORDER_REASON_INVALID,
	"invalid-stp":         OrderReason_ORDER_REASON_INVALID,
	"invalid-price":       OrderReason_ORDER_REASON_INVALID,
	"invalid-qty":         OrderReason_ORDER_REASON_INVALID,
	"invalid-flags":       OrderReason_ORDER_REASON_INVALID,
	"duplicate-id":        OrderReason_ORDER_REASON_INVALID,
	"unknown-order":       OrderReason_ORDER_REASON_UNKNOWN_ORDER,
	"not-owner":           OrderReason_ORDER_REASON_NOT_OWNER,
	"already-expired":     OrderReason_ORDER_REASON_EXPIRED,
	"would-cross":         OrderReason_ORDER_REASON_POST_ONLY_WOULD_CROSS,
	"fok-unfillable":      OrderReason_ORDER_REASON_FOK_UNFILLABLE,
	"no-change":           OrderReason_ORDER_REASON_NO_CHANGE,
	"stop-not-modifiable": OrderReason_ORDER_REASON_STOP_NOT_MODIFIABLE,
	"not-in-auction":      OrderReason_ORDER_REASON_NOT_IN_AUCTION,
	"cancelled":           OrderReason_ORDER_REASON_CANCELLED_BY_OWNER,
	"mass-cancel":         OrderReason_ORDER_REASON_MASS_CANCELLED,
	"replaced":            OrderReason_ORDER_REASON_REPLACED,
	"reduced":             OrderReason_ORDER_REASON_REDUCED,
	"unfilled":            OrderReason_ORDER_REASON_IOC_REMAINDER,
	"self-trade":          OrderReason_ORDER_REASON_SELF_TRADE,
	"band":                OrderReason_ORDER_REASON_BAND,
	// The keeper's.
	ReasonTextAssetPaused:         OrderReason_ORDER_REASON_ASSET_PAUSED,
	ReasonTextSweepPending:        OrderReason_ORDER_REASON_SWEEP_PENDING,
	ReasonTextMarketHalted:        OrderReason_ORDER_REASON_MARKET_HALTED,
	ReasonTextMarketCancelOnly:    OrderReason_ORDER_REASON_MARKET_CANCEL_ONLY,
	ReasonTextMarketPostOnly:      OrderReason_ORDER_REASON_MARKET_POST_ONLY,
	ReasonTextIneligible:          OrderReason_ORDER_REASON_INELIGIBLE,
	ReasonTextForceCancel:         OrderReason_ORDER_REASON_FORCE_CANCELLED,
	"account-revoked":             OrderReason_ORDER_REASON_LICENCE_BARRED,
	"account-expired":             OrderReason_ORDER_REASON_LICENCE_BARRED,
	"account-frozen":              OrderReason_ORDER_REASON_LICENCE_BARRED,
	ReasonTextHeartbeatLapsed:     OrderReason_ORDER_REASON_HEARTBEAT_LAPSED,
	ReasonTextInsufficientBalance: OrderReason_ORDER_REASON_INSUFFICIENT_BALANCE,
	ReasonTextDuplicateClientID:   OrderReason_ORDER_REASON_DUPLICATE_CLIENT_ID,
	ReasonTextOwnerOrderCap:       OrderReason_ORDER_REASON_OWNER_ORDER_CAP,
	ReasonTextFilled:              OrderReason_ORDER_REASON_FILLED,
	ReasonTextExpired:             OrderReason_ORDER_REASON_EXPIRED,
	ReasonTextLimitState:          OrderReason_ORDER_REASON_OUTSIDE_BAND,
	ReasonTextRateLimited:         OrderReason_ORDER_REASON_RATE_LIMITED,
}

// ReasonCode returns the code of a reason text (UNSPECIFIED if unknown).
func ReasonCode(text string) OrderReason { return reasonCodes[text] }

// ReasonTexts returns every reason text with a code (tests, docs).
func ReasonTexts() map[string]OrderReason {
	out := make(map[string]OrderReason, len(reasonCodes))
	for k, v := range reasonCodes {
		out[k] = v
	}
	return out
}

// errorReasons maps the module's registered errors to reason codes (MsgBatch
// results).
var errorReasons = []struct {
	err    *errorsmod.Error
	reason OrderReason
}{
	{ErrInsufficientBalance, OrderReason_ORDER_REASON_INSUFFICIENT_BALANCE},
	{ErrMarketHalted, OrderReason_ORDER_REASON_MARKET_HALTED},
	{ErrMinNotional, OrderReason_ORDER_REASON_MIN_NOTIONAL},
	{ErrOutsideBand, OrderReason_ORDER_REASON_OUTSIDE_BAND},
	{ErrOrderNotFound, OrderReason_ORDER_REASON_UNKNOWN_ORDER},
	{ErrNotOwner, OrderReason_ORDER_REASON_NOT_OWNER},
	{ErrIneligible, OrderReason_ORDER_REASON_INELIGIBLE},
	{ErrAssetPaused, OrderReason_ORDER_REASON_ASSET_PAUSED},
	{ErrMarketNotFound, OrderReason_ORDER_REASON_MARKET_NOT_FOUND},
	{ErrDuplicateClientID, OrderReason_ORDER_REASON_DUPLICATE_CLIENT_ID},
	{ErrOwnerOrderCap, OrderReason_ORDER_REASON_OWNER_ORDER_CAP},
	{ErrLimitState, OrderReason_ORDER_REASON_OUTSIDE_BAND},
	{ErrBadTick, OrderReason_ORDER_REASON_INVALID},
	{ErrBadLot, OrderReason_ORDER_REASON_INVALID},
	{ErrInvalidOrder, OrderReason_ORDER_REASON_INVALID},
	{ErrRateLimited, OrderReason_ORDER_REASON_RATE_LIMITED},
}

// ErrorReason returns the reason code of a DeliverTx refusal.
func ErrorReason(err error) OrderReason {
	for _, e := range errorReasons {
		if errorsmod.IsOf(err, e.err) {
			return e.reason
		}
	}
	return OrderReason_ORDER_REASON_UNSPECIFIED
}

// AppendStatus appends one status record of a StatusBlocks value: its
// protobuf size (uvarint), then its protobuf encoding.
func AppendStatus(dst []byte, st *OrderStatus) ([]byte, error) {
	n := st.Size()
	dst = binary.AppendUvarint(dst, uint64(n))
	l := len(dst)
	dst = append(dst, make([]byte, n)...)
	if _, err := st.MarshalToSizedBuffer(dst[l : l+n]); err != nil {
		return dst[:l], err
	}
	return dst, nil
}

// DecodeStatuses decodes the records of a StatusBlocks value in order,
// calling fn with each (reused: copy what you keep) until it returns false.
func DecodeStatuses(bz []byte, fn func(st *OrderStatus) bool) error {
	var st OrderStatus
	for len(bz) > 0 {
		n, k := binary.Uvarint(bz)
		if k <= 0 || n > uint64(len(bz)-k) {
			return badEncoding("status record length")
		}
		st.Reset()
		if err := st.Unmarshal(bz[k : k+int(n)]); err != nil {
			return badEncoding("status record: %v", err)
		}
		if !fn(&st) {
			return nil
		}
		bz = bz[k+int(n):]
	}
	return nil
}
