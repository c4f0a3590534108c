package types

import (
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// MaxFeeBps bounds fees (10%).
const MaxFeeBps = 1000

// ValidateBasic checks a market's settings (not its id).
func (m Market) ValidateBasic() error {
	if err := sdk.ValidateDenom(m.BaseDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidMarket, "base denom: %v", err)
	}
	if err := sdk.ValidateDenom(m.QuoteDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidMarket, "quote denom: %v", err)
	}
	if m.BaseDenom == m.QuoteDenom {
		return errorsmod.Wrap(ErrInvalidMarket, "base and quote denoms are equal")
	}
	if m.TickSize.IsNil() || !m.TickSize.IsPositive() {
		return errorsmod.Wrap(ErrInvalidMarket, "tick_size must be positive")
	}
	if m.LotSize.IsNil() || !m.LotSize.IsPositive() {
		return errorsmod.Wrap(ErrInvalidMarket, "lot_size must be positive")
	}
	// Amounts are computed as price(<2^62) * qty(<=2^40) * size: keep size
	// small enough that every product stays far inside sdkmath.Int's 256 bits.
	limit := sdkmath.NewIntWithDecimal(1, 36)
	if m.TickSize.GT(limit) || m.LotSize.GT(limit) {
		return errorsmod.Wrap(ErrInvalidMarket, "tick_size and lot_size must be <= 10^36")
	}
	if m.MinNotional.IsNil() || m.MinNotional.IsNegative() {
		return errorsmod.Wrap(ErrInvalidMarket, "min_notional must be >= 0")
	}
	if m.TakerFeeBps > MaxFeeBps {
		return errorsmod.Wrapf(ErrInvalidMarket, "taker fee above %d bps", MaxFeeBps)
	}
	if int64(m.MakerFeeBps) > int64(m.TakerFeeBps) {
		return errorsmod.Wrap(ErrInvalidMarket, "maker fee above taker fee")
	}
	if m.MakerFeeBps < 0 && int64(-m.MakerFeeBps) > int64(m.TakerFeeBps) {
		return errorsmod.Wrap(ErrInvalidMarket, "maker rebate above taker fee")
	}
	switch m.Mode {
	case MarketMode_MARKET_MODE_UNSPECIFIED, MarketMode_MARKET_MODE_CONTINUOUS:
	case MarketMode_MARKET_MODE_CALL_AUCTION:
		if m.AuctionIntervalBlocks == 0 {
			return errorsmod.Wrap(ErrInvalidMarket, "auction_interval_blocks must be positive")
		}
	default:
		return errorsmod.Wrapf(ErrInvalidMarket, "mode %d", m.Mode)
	}
	if _, ok := MarketStatus_name[int32(m.Status)]; !ok {
		return errorsmod.Wrapf(ErrInvalidMarket, "status %d", m.Status)
	}
	if m.BandBps > 100_000 {
		return errorsmod.Wrap(ErrInvalidMarket, "band_bps above 100000")
	}
	if m.BreakerBps > 100_000 {
		return errorsmod.Wrap(ErrInvalidMarket, "breaker_bps above 100000")
	}
	if m.BreakerBps > 0 && (m.BreakerWindowBlocks == 0 || m.BreakerWindowBlocks > 1_000_000) {
		return errorsmod.Wrap(ErrInvalidMarket, "breaker_window_blocks must be in [1, 1000000] with a breaker")
	}
	if m.BreakerBps > 0 && m.BandHaltBlocks > 1_000_000 {
		return errorsmod.Wrap(ErrInvalidMarket, "band_halt_blocks (the breaker's halt) must be <= 1000000")
	}
	if m.LimitStateBlocks > 0 && m.BreakerBps == 0 {
		return errorsmod.Wrap(ErrInvalidMarket, "limit_state_blocks needs a circuit breaker (breaker_bps > 0)")
	}
	if m.LimitStateBlocks > 1_000_000 {
		return errorsmod.Wrap(ErrInvalidMarket, "limit_state_blocks must be <= 1000000")
	}
	return m.validateOracle()
}

// MaxOracleExponent bounds |oracle_exponent|.
const MaxOracleExponent = 36

// validateOracle checks the oracle feed's id (the characters x/oracle
// allows) and scale; that the feed exists is checked against x/oracle by the
// keeper.
func (m Market) validateOracle() error {
	if m.OracleFeed == "" {
		if m.OracleExponent != 0 {
			return errorsmod.Wrap(ErrInvalidMarket, "oracle_exponent without an oracle_feed")
		}
		return nil
	}
	if len(m.OracleFeed) > 64 {
		return errorsmod.Wrapf(ErrInvalidMarket, "oracle_feed %q longer than 64 characters", m.OracleFeed)
	}
	for i := 0; i < len(m.OracleFeed); i++ {
		c := m.OracleFeed[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '_' || c == '-') {
			return errorsmod.Wrapf(ErrInvalidMarket, "oracle_feed %q: character %q not allowed", m.OracleFeed, c)
		}
	}
	if m.OracleExponent > MaxOracleExponent || m.OracleExponent < -MaxOracleExponent {
		return errorsmod.Wrapf(ErrInvalidMarket, "oracle_exponent %d not in [-%d, %d]", m.OracleExponent, MaxOracleExponent, MaxOracleExponent)
	}
	return nil
}

// IsAuction reports whether the market is a call-auction market.
func (m Market) IsAuction() bool { return m.Mode == MarketMode_MARKET_MODE_CALL_AUCTION }
