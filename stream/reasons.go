package stream

import exchangetypes "github.com/clearchain/clearchain/x/exchange/types"

// ReasonCode returns the stable code of an exchange reason text: the value
// of x/exchange's OrderReason enum (clearchain.exchange.v1.OrderReason;
// exchangetypes.ReasonCode), 0 (ORDER_REASON_UNSPECIFIED) when unknown.
func ReasonCode(reason string) int32 {
	return int32(exchangetypes.ReasonCode(reason))
}

// ReasonName returns the OrderReason enum name of a code.
func ReasonName(code int32) string {
	return exchangetypes.OrderReason(code).String()
}
