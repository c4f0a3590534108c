package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/clearchain/clearchain/internal/addrcache"
	"github.com/clearchain/clearchain/matching"
)

// Stateless limits checked by ValidateBasic (in CheckTx, before a tx can
// take a block slot).
const (
	// MaxClientOrderIDLen bounds client order ids (bytes).
	MaxClientOrderIDLen = 64
	// MaxBatchSizeLimit bounds every batch whatever max_batch_size says
	// (which must not exceed it).
	MaxBatchSizeLimit = 1000
	// MaxForceCancelReasonLen bounds a force-cancel's reason (bytes).
	MaxForceCancelReasonLen = 512
)

var (
	_ sdk.HasValidateBasic = &MsgPlaceOrder{}
	_ sdk.HasValidateBasic = &MsgCancelOrder{}
	_ sdk.HasValidateBasic = &MsgCancelReplace{}
	_ sdk.HasValidateBasic = &MsgMassCancel{}
	_ sdk.HasValidateBasic = &MsgBatch{}
	_ sdk.HasValidateBasic = &MsgDeposit{}
	_ sdk.HasValidateBasic = &MsgWithdraw{}
	_ sdk.HasValidateBasic = &MsgHeartbeat{}
	_ sdk.HasValidateBasic = &MsgForceCancel{}
	_ sdk.HasValidateBasic = &MsgCreateMarket{}
	_ sdk.HasValidateBasic = &MsgUpdateMarket{}
	_ sdk.HasValidateBasic = &MsgUpdateParams{}
)

func validAddress(field, s string) error {
	if _, err := addrcache.AccAddressFromBech32(s); err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "%s %q: %v", field, s, err)
	}
	return nil
}

// ValidClientOrderID reports whether id is a well-formed client order id:
// at most MaxClientOrderIDLen bytes of printable ASCII without spaces
// (empty: none).
func ValidClientOrderID(id string) bool {
	if len(id) > MaxClientOrderIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

func validPrice(field string, p int64) error {
	if p < 1 || p > int64(matching.MaxPrice) {
		return errorsmod.Wrapf(ErrBadTick, "%s %d ticks not in [1, %d]", field, p, matching.MaxPrice)
	}
	return nil
}

func validQty(q uint64) error {
	if q < 1 || q > uint64(matching.MaxQty) {
		return errorsmod.Wrapf(ErrBadLot, "quantity %d lots not in [1, %d]", q, matching.MaxQty)
	}
	return nil
}

// ValidateBasic checks an order's fields without the store: market id,
// enums, price and quantity ranges, the combination of type, time in force,
// post-only, trigger and expiry, and the client order id.
func (s OrderSpec) ValidateBasic() error {
	if s.MarketId == 0 {
		return errorsmod.Wrap(ErrInvalidOrder, "market_id 0")
	}
	if EngineSide(s.Side) == matching.SideNone {
		return errorsmod.Wrapf(ErrInvalidOrder, "side %d", s.Side)
	}
	typ, ok := EngineType(s.Type)
	if !ok {
		return errorsmod.Wrapf(ErrInvalidOrder, "type %d", s.Type)
	}
	tif, ok := EngineTIF(s.TimeInForce)
	if !ok {
		return errorsmod.Wrapf(ErrInvalidOrder, "time in force %d", s.TimeInForce)
	}
	if _, ok := EngineSTP(s.Stp); !ok {
		return errorsmod.Wrapf(ErrInvalidOrder, "stp mode %d", s.Stp)
	}
	if err := validPrice("price", s.Price); err != nil {
		return err
	}
	if err := validQty(s.Quantity); err != nil {
		return err
	}
	market := typ == matching.Market || typ == matching.StopMarket
	stop := typ == matching.StopLimit || typ == matching.StopMarket
	switch {
	case !ValidClientOrderID(s.ClientOrderId):
		return errorsmod.Wrapf(ErrInvalidOrder, "client order id: at most %d bytes of printable ASCII without spaces", MaxClientOrderIDLen)
	case s.PostOnly && (market || stop || tif == matching.IOC || tif == matching.FOK):
		return errorsmod.Wrap(ErrInvalidOrder, "post-only must be a resting limit order")
	case market && tif != matching.GTC && tif != matching.IOC && tif != matching.FOK:
		return errorsmod.Wrap(ErrInvalidOrder, "market orders are IOC or FOK")
	case stop:
		if err := validPrice("trigger price", s.TriggerPrice); err != nil {
			return err
		}
	case s.TriggerPrice != 0:
		return errorsmod.Wrap(ErrInvalidOrder, "trigger price on a non-stop order")
	}
	switch {
	case tif == matching.GTB && !market && s.ExpireBlock < 1:
		return errorsmod.Wrapf(ErrInvalidOrder, "expire block %d", s.ExpireBlock)
	case tif == matching.GTT && !market && s.ExpireTime < 1:
		return errorsmod.Wrapf(ErrInvalidOrder, "expire time %d", s.ExpireTime)
	case tif != matching.GTB && s.ExpireBlock != 0, tif != matching.GTT && s.ExpireTime != 0:
		return errorsmod.Wrap(ErrInvalidOrder, "expiry set on an order that is not GTB/GTT")
	}
	return nil
}

// ValidateBasic checks the message without the store.
func (m *MsgPlaceOrder) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	return m.Order.ValidateBasic()
}

// ValidateBasic checks a cancel's ids: a market and exactly one of an order
// id and a (well-formed) client order id.
func (c CancelSpec) ValidateBasic() error {
	switch {
	case c.MarketId == 0:
		return errorsmod.Wrapf(ErrInvalidOrder, "cancel of order %d on market 0", c.OrderId)
	case c.OrderId == 0 && c.ClientOrderId == "":
		return errorsmod.Wrapf(ErrInvalidOrder, "cancel on market %d names no order (order id or client order id)", c.MarketId)
	case c.OrderId != 0 && c.ClientOrderId != "":
		return errorsmod.Wrapf(ErrInvalidOrder, "cancel names both order %d and client order id %q", c.OrderId, c.ClientOrderId)
	case !ValidClientOrderID(c.ClientOrderId):
		return errorsmod.Wrapf(ErrInvalidOrder, "client order id: at most %d bytes of printable ASCII without spaces", MaxClientOrderIDLen)
	}
	return nil
}

// ValidateBasic checks the message without the store.
func (m *MsgCancelOrder) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	return CancelSpec{MarketId: m.MarketId, OrderId: m.OrderId, ClientOrderId: m.ClientOrderId}.ValidateBasic()
}

// ValidateBasic checks the message without the store.
func (m *MsgCancelReplace) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	if err := (CancelSpec{MarketId: m.MarketId, OrderId: m.OrderId, ClientOrderId: m.ClientOrderId}).ValidateBasic(); err != nil {
		return err
	}
	if err := validPrice("price", m.Price); err != nil {
		return err
	}
	return validQty(m.Quantity)
}

// ValidateBasic checks the message without the store.
func (m *MsgMassCancel) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	if m.Side != Side_SIDE_UNSPECIFIED && EngineSide(m.Side) == matching.SideNone {
		return errorsmod.Wrapf(ErrInvalidOrder, "side %d", m.Side)
	}
	return nil
}

// ValidateBasic checks the message without the store: not empty, at most
// MaxBatchSizeLimit commands (max_batch_size, lower, is checked in
// DeliverTx), and every cancel and place.
func (m *MsgBatch) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	n := len(m.Cancels) + len(m.Places)
	if n == 0 {
		return errorsmod.Wrap(ErrInvalidOrder, "empty batch")
	}
	if n > MaxBatchSizeLimit {
		return errorsmod.Wrapf(ErrBatchTooLarge, "%d commands > %d", n, MaxBatchSizeLimit)
	}
	for i, c := range m.Cancels {
		if err := c.ValidateBasic(); err != nil {
			return errorsmod.Wrapf(err, "cancel %d", i)
		}
	}
	var cids map[string]int
	for i, s := range m.Places {
		if err := s.ValidateBasic(); err != nil {
			return errorsmod.Wrapf(err, "place %d", i)
		}
		// An atomic batch placing one client order id twice is always
		// refused in the block (the second is a duplicate live id).
		if s.ClientOrderId != "" && !m.BestEffort {
			if cids == nil {
				cids = make(map[string]int, len(m.Places))
			}
			if j, ok := cids[s.ClientOrderId]; ok {
				return errorsmod.Wrapf(ErrDuplicateClientID, "places %d and %d both use client order id %q", j, i, s.ClientOrderId)
			}
			cids[s.ClientOrderId] = i
		}
	}
	return nil
}

func validAmount(c sdk.Coin) error {
	if err := c.Validate(); err != nil {
		return errorsmod.Wrapf(ErrInvalidAmount, "%v", err)
	}
	if !c.IsPositive() {
		return errorsmod.Wrap(ErrInvalidAmount, "amount must be positive")
	}
	return nil
}

// ValidateBasic checks the message without the store.
func (m *MsgDeposit) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	return validAmount(m.Amount)
}

// ValidateBasic checks the message without the store.
func (m *MsgWithdraw) ValidateBasic() error {
	if err := validAddress("owner", m.Owner); err != nil {
		return err
	}
	return validAmount(m.Amount)
}

// ValidateBasic checks the message without the store.
func (m *MsgHeartbeat) ValidateBasic() error { return validAddress("owner", m.Owner) }

// ValidateBasic checks the message without the store.
func (m *MsgForceCancel) ValidateBasic() error {
	if err := validAddress("authority", m.Authority); err != nil {
		return err
	}
	if m.Account != "" {
		if err := validAddress("account", m.Account); err != nil {
			return err
		}
	}
	if m.Reason == "" || len(m.Reason) > MaxForceCancelReasonLen {
		return errorsmod.Wrapf(ErrInvalidForceCancel, "a reason of 1-%d bytes is required", MaxForceCancelReasonLen)
	}
	targets := 0
	for _, set := range []bool{m.OrderId != 0, m.Account != "", m.EntityId != 0} {
		if set {
			targets++
		}
	}
	if targets != 1 || (m.OrderId == 0 && m.MarketId != 0) {
		return errorsmod.Wrap(ErrInvalidForceCancel, "exactly one target: order_id (with market_id), account or entity_id")
	}
	return nil
}

// ValidateBasic checks the message without the store.
func (m *MsgCreateMarket) ValidateBasic() error {
	if err := validAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Market.ValidateBasic()
}

// ValidateBasic checks the message without the store.
func (m *MsgUpdateMarket) ValidateBasic() error {
	if err := validAddress("authority", m.Authority); err != nil {
		return err
	}
	if m.MarketId == 0 {
		return errorsmod.Wrap(ErrInvalidMarket, "market_id 0")
	}
	if _, ok := MarketStatus_name[int32(m.Status)]; !ok {
		return errorsmod.Wrapf(ErrInvalidMarket, "status %d", m.Status)
	}
	// Settings that would be ignored are refused: they mean a forgotten
	// update_* flag.
	if !m.UpdateOracle && (m.OracleFeed != "" || m.OracleExponent != 0) {
		return errorsmod.Wrap(ErrInvalidMarket, "oracle_feed or oracle_exponent without update_oracle")
	}
	if !m.UpdateLimitState && m.LimitStateBlocks != 0 {
		return errorsmod.Wrap(ErrInvalidMarket, "limit_state_blocks without update_limit_state")
	}
	return nil
}

// ValidateBasic checks the message without the store.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := validAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}
