package types

import (
	"encoding/binary"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// ErrRateLimited: the account sent more orders than
// params.max_orders_per_window in the current window.
var ErrRateLimited = errorsmod.Register(ModuleName, 60, "order rate limit exceeded")

// ReasonTextRateLimited is the reason text of a rate-limit refusal.
const ReasonTextRateLimited = "rate-limited"

const (
	// DefaultRateLimitWindowBlocks is the window when
	// params.rate_limit_window_blocks is 0.
	DefaultRateLimitWindowBlocks = 10
	// MaxRateLimitWindowBlocks bounds params.rate_limit_window_blocks.
	MaxRateLimitWindowBlocks = 100_000
)

// RateWindow returns the rate-limit window in blocks.
func (p Params) RateWindow() int64 {
	if p.RateLimitWindowBlocks == 0 {
		return DefaultRateLimitWindowBlocks
	}
	return int64(p.RateLimitWindowBlocks)
}

// RateLimitState is an account's order rate-limit window (stored as 32
// bytes, big-endian: window start, used, refusals, refusals total).
type RateLimitState struct {
	WindowStart   int64
	Used          uint64
	Refusals      uint64
	RefusalsTotal uint64
}

// Bytes encodes s.
func (s RateLimitState) Bytes() []byte {
	b := make([]byte, 32)
	binary.BigEndian.PutUint64(b[0:], uint64(s.WindowStart))
	binary.BigEndian.PutUint64(b[8:], s.Used)
	binary.BigEndian.PutUint64(b[16:], s.Refusals)
	binary.BigEndian.PutUint64(b[24:], s.RefusalsTotal)
	return b
}

// DecodeRateLimitState decodes what Bytes encoded.
func DecodeRateLimitState(b []byte) (RateLimitState, error) {
	if len(b) != 32 {
		return RateLimitState{}, fmt.Errorf("exchange: rate-limit state of %d bytes, want 32", len(b))
	}
	return RateLimitState{
		WindowStart:   int64(binary.BigEndian.Uint64(b[0:])),
		Used:          binary.BigEndian.Uint64(b[8:]),
		Refusals:      binary.BigEndian.Uint64(b[16:]),
		RefusalsTotal: binary.BigEndian.Uint64(b[24:]),
	}, nil
}

// At returns s as seen at height in windows of window blocks: a window that
// has passed is a fresh one (nothing used, no refusals in it).
func (s RateLimitState) At(height, window int64) RateLimitState {
	start := height - height%window
	if s.WindowStart != start {
		s.WindowStart, s.Used, s.Refusals = start, 0, 0
	}
	return s
}

// validateRateLimitGenesis checks the genesis rate-limit windows: valid,
// distinct addresses, refusals in a window within the total.
func validateRateLimitGenesis(rls []GenesisRateLimit) error {
	seen := make(map[string]bool, len(rls))
	for _, r := range rls {
		addr, err := sdk.AccAddressFromBech32(r.Address)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rate limit address: %v", err)
		}
		if seen[string(addr)] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rate limit of %s twice", r.Address)
		}
		seen[string(addr)] = true
		if r.WindowStart < 0 || r.Refusals > r.RefusalsTotal {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rate limit of %s: window start %d, refusals %d of %d in total",
				r.Address, r.WindowStart, r.Refusals, r.RefusalsTotal)
		}
	}
	return nil
}
