package keeper

import (
	"context"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// CreateMarket lists market m (its id is assigned) for the authority.
func (k Keeper) CreateMarket(ctx context.Context, authority string, m types.Market, reason string) (uint64, error) {
	if err := k.checkAuthority(ctx, authority); err != nil {
		return 0, err
	}
	if m.Status == types.MarketStatus_MARKET_STATUS_UNSPECIFIED {
		m.Status = types.MarketStatus_MARKET_STATUS_ACTIVE
	}
	if m.Mode == types.MarketMode_MARKET_MODE_UNSPECIFIED {
		m.Mode = types.MarketMode_MARKET_MODE_CONTINUOUS
	}
	if err := m.ValidateBasic(); err != nil {
		return 0, err
	}
	if err := k.checkFeed(ctx, m); err != nil {
		return 0, err
	}
	seq, err := k.MarketSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	m.Id = seq + 1
	if err := k.Markets.Set(ctx, m.Id, m); err != nil {
		return 0, err
	}
	if err := k.recordAudit(ctx, authority, types.ActionCreateMarket, types.MarketSubject(m.Id), fmt.Sprintf(
		"base=%s quote=%s tick=%s lot=%s min_notional=%s maker_bps=%d taker_bps=%d mode=%s status=%s band_bps=%d oracle_feed=%q oracle_exponent=%d breaker_bps=%d limit_state_blocks=%d reason=%s",
		m.BaseDenom, m.QuoteDenom, m.TickSize, m.LotSize, m.MinNotional, m.MakerFeeBps, m.TakerFeeBps, m.Mode, m.Status, m.BandBps,
		m.OracleFeed, m.OracleExponent, m.BreakerBps, m.LimitStateBlocks, reason)); err != nil {
		return 0, err
	}
	return m.Id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMarketCreated{Market: m})
}

// checkFeed refuses a market naming an oracle feed that x/oracle does not
// have (or any feed when the exchange has no price source).
func (k Keeper) checkFeed(ctx context.Context, m types.Market) error {
	if m.OracleFeed == "" {
		return nil
	}
	if k.oracle == nil || !k.oracle.HasFeed(ctx, m.OracleFeed) {
		return errorsmod.Wrapf(types.ErrInvalidMarket, "oracle_feed %q is not a registered x/oracle feed", m.OracleFeed)
	}
	return nil
}

// recordAudit records a decision of a transaction in compliance's audit
// trail (no-op without compliance); its failure fails the transaction.
func (k Keeper) recordAudit(ctx context.Context, actor, action, subject, details string) error {
	if k.compliance == nil {
		return nil
	}
	_, err := k.compliance.RecordAudit(ctx, actor, action, subject, details)
	return err
}

// UpdateMarket changes a market's status, min notional, band, circuit
// breaker, limit state and oracle feed.
func (k Keeper) UpdateMarket(ctx context.Context, msg *types.MsgUpdateMarket) error {
	if err := k.checkAuthority(ctx, msg.Authority); err != nil {
		return err
	}
	// Also on the governance and contract paths, which skip ValidateBasic.
	if err := msg.ValidateBasic(); err != nil {
		return err
	}
	m, err := k.Markets.Get(ctx, msg.MarketId)
	if err != nil {
		return errorsmod.Wrapf(types.ErrMarketNotFound, "market %d", msg.MarketId)
	}
	old := m
	if msg.Status != types.MarketStatus_MARKET_STATUS_UNSPECIFIED {
		m.Status = msg.Status
	}
	if msg.MinNotional != nil {
		m.MinNotional = *msg.MinNotional
	}
	if msg.UpdateBand {
		m.BandBps, m.BandHaltBlocks = msg.BandBps, msg.BandHaltBlocks
	}
	if msg.UpdateBreaker {
		m.BreakerBps, m.BreakerWindowBlocks = msg.BreakerBps, msg.BreakerWindowBlocks
	}
	if msg.UpdateOracle {
		m.OracleFeed, m.OracleExponent = msg.OracleFeed, msg.OracleExponent
	}
	if msg.UpdateLimitState {
		m.LimitStateBlocks = msg.LimitStateBlocks
	}
	if err := m.ValidateBasic(); err != nil {
		return err
	}
	if msg.UpdateOracle {
		if err := k.checkFeed(ctx, m); err != nil {
			return err
		}
	}
	if err := k.Markets.Set(ctx, m.Id, m); err != nil {
		return err
	}
	if err := k.recordAudit(ctx, msg.Authority, types.ActionUpdateMarket, types.MarketSubject(m.Id), fmt.Sprintf(
		"status=%s->%s min_notional=%s->%s band_bps=%d->%d band_halt_blocks=%d->%d breaker_bps=%d->%d breaker_window_blocks=%d->%d oracle_feed=%q->%q oracle_exponent=%d->%d limit_state_blocks=%d->%d reason=%s",
		old.Status, m.Status, old.MinNotional, m.MinNotional, old.BandBps, m.BandBps, old.BandHaltBlocks, m.BandHaltBlocks,
		old.BreakerBps, m.BreakerBps, old.BreakerWindowBlocks, m.BreakerWindowBlocks, old.OracleFeed, m.OracleFeed,
		old.OracleExponent, m.OracleExponent, old.LimitStateBlocks, m.LimitStateBlocks, msg.Reason)); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMarketUpdated{Market: m})
}

// SetParams replaces the params for the authority.
func (k Keeper) SetParams(ctx context.Context, authority string, p types.Params) error {
	if err := k.checkAuthority(ctx, authority); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return k.Params.Set(ctx, p)
}

// CheckTrader returns nil if compliance lets addr trade market m (nil m: any
// exchange message, as the ante gate checks), without changing state.
func (k Keeper) CheckTrader(ctx context.Context, addr sdk.AccAddress, m *types.Market) error {
	if k.compliance == nil {
		return nil
	}
	if m == nil {
		return k.compliance.CheckTrade(ctx, addr, "")
	}
	return k.compliance.CheckTrade(ctx, addr, types.MarketSubject(m.Id), m.BaseDenom, m.QuoteDenom)
}

// Bank returns the bank keeper the exchange uses (simulation reads
// balances through it).
func (k Keeper) Bank() types.BankKeeper { return k.bank }
