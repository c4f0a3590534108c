package stream

// Reason codes: a stable number for every reason string the exchange puts
// on cancels and rejections (README.md, "Reason codes"). Codes are never
// reused; an unknown reason maps to ReasonUnknown and keeps its string.
const (
	ReasonUnknown int32 = 0
)

// reasonCodes lists the exchange's reason strings by stable code: 1-29 the
// matching engine's reasons, 30-49 the exchange's own refusals and sweeps.
var reasonCodes = map[string]int32{
	"invalid-command": 1, "invalid-side": 2, "invalid-type": 3, "invalid-tif": 4,
	"invalid-stp": 5, "invalid-price": 6, "invalid-qty": 7, "invalid-flags": 8,
	"duplicate-id": 9, "unknown-order": 10, "not-owner": 11, "already-expired": 12,
	"would-cross": 13, "fok-unfillable": 14, "no-change": 15, "stop-not-modifiable": 16,
	"not-in-auction": 17, "cancelled": 18, "mass-cancel": 19, "replaced": 20, "reduced": 21,
	"unfilled": 22, "self-trade": 23, "band": 24,

	"asset-paused": 30, "sweep-pending": 31, "market-halted": 32, "market-cancel-only": 33,
	"market-post-only": 34, "ineligible": 35, "force-cancel": 36, "revoked": 37, "expired": 38,
	"frozen": 39, "heartbeat": 40,
}

// ReasonCode returns the stable code of an exchange reason string, or
// ReasonUnknown.
func ReasonCode(reason string) int32 {
	return reasonCodes[reason]
}

// ReasonName returns the reason string of a code, or "".
func ReasonName(code int32) string {
	for name, c := range reasonCodes {
		if c == code {
			return name
		}
	}
	return ""
}
