package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns the default genesis: default params, no markets.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextMarketId: 1, NextOrderId: 1, NextOwnerId: 1}
}

// Validate checks the genesis state without a store.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	markets := make(map[uint64]bool, len(gs.Markets))
	for _, m := range gs.Markets {
		if m.Id == 0 || markets[m.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market id %d zero or duplicate", m.Id)
		}
		if m.Id >= gs.NextMarketId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market id %d >= next_market_id", m.Id)
		}
		if err := m.ValidateBasic(); err != nil {
			return errorsmod.Wrapf(err, "market %d", m.Id)
		}
		markets[m.Id] = true
	}
	for _, s := range gs.MarketStates {
		if !markets[s.MarketId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "state of unknown market %d", s.MarketId)
		}
	}
	for _, b := range gs.Balances {
		if _, err := sdk.AccAddressFromBech32(b.Address); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "balance address: %v", err)
		}
		if err := sdk.ValidateDenom(b.Denom); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "balance denom: %v", err)
		}
		if b.Balance.Free.IsNil() || b.Balance.Locked.IsNil() || b.Balance.Free.IsNegative() || b.Balance.Locked.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "balance %s %s negative", b.Address, b.Denom)
		}
	}
	if err := validateRateLimitGenesis(gs.RateLimits); err != nil {
		return err
	}
	if err := validateContractOrders(gs.ContractOrders); err != nil {
		return err
	}
	owners := make(map[uint64]bool, len(gs.Owners))
	for _, o := range gs.Owners {
		if o.Id == 0 || o.Id >= gs.NextOwnerId || owners[o.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "owner id %d", o.Id)
		}
		if _, err := sdk.AccAddressFromBech32(o.Address); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "owner address: %v", err)
		}
		owners[o.Id] = true
	}
	ids := make(map[uint64]bool)
	for _, l := range gs.Levels {
		if !markets[l.MarketId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "level of unknown market %d", l.MarketId)
		}
		if l.Side != Side_SIDE_BUY && l.Side != Side_SIDE_SELL {
			return errorsmod.Wrapf(ErrInvalidGenesis, "level side %d", l.Side)
		}
		for _, o := range l.Orders {
			if o.Id == 0 || o.Id >= gs.NextOrderId || ids[o.Id] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "order id %d", o.Id)
			}
			if !owners[o.OwnerId] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "order %d: unknown owner %d", o.Id, o.OwnerId)
			}
			if o.Side != l.Side {
				return errorsmod.Wrapf(ErrInvalidGenesis, "order %d on the wrong side", o.Id)
			}
			ids[o.Id] = true
		}
	}
	for _, m := range gs.BookMetas {
		if !markets[m.MarketId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "book meta of unknown market %d", m.MarketId)
		}
	}
	for _, c := range gs.Pending {
		if !markets[c.MarketId] && c.Kind != CommandKind_COMMAND_KIND_MASS_CANCEL {
			return errorsmod.Wrapf(ErrInvalidGenesis, "pending command of unknown market %d", c.MarketId)
		}
	}
	for _, h := range gs.Heartbeats {
		if _, err := sdk.AccAddressFromBech32(h.Owner); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "heartbeat owner: %v", err)
		}
	}
	for _, t := range gs.Sweeps {
		if _, err := sdk.AccAddressFromBech32(t.Account); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "sweep account: %v", err)
		}
	}
	if gs.NextMarketId == 0 || gs.NextOrderId == 0 || gs.NextOwnerId == 0 {
		return fmt.Errorf("%w: sequences start at 1", ErrInvalidGenesis)
	}
	return gs.validateStatus(markets)
}
