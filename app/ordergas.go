package app

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/clearchain/clearchain/internal/addrcache"
	exchangekeeper "github.com/clearchain/clearchain/x/exchange/keeper"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// OrderGasDecorator gives a tx holding only exchange order messages its
// fixed gas (exchangetypes.OrderTxGas, x/exchange/README.md "Order gas"):
// the tx's gas meter reports exactly the formula whatever the store, the
// book or this node's caches hold, so gas used is predictable by a bot and
// identical on every node. The real consumption is still metered and
// bounded by the tx's gas limit. A gas limit under the formula is refused
// out of gas before any message runs.
//
// In CheckTx it then charges the tx's orders (places, batch places,
// cancel-replaces, also inside authz MsgExec; whatever else the tx holds)
// to their owners' rate-limit windows in the check state and refuses a tx
// over the limit (x/exchange/README.md "Rate limit"), so the mempool holds
// nothing a block would refuse. In DeliverTx and simulations the limit is
// decided by the exchange's Msg server, where every order message passes
// however it arrives (own tx, authz, contract). ReCheckTx charges nothing
// (the tx was charged once).
//
// It sits after the signature checks: the meter it replaces has charged the
// tx size and signatures (the formula's base covers them), and only a
// signed tx spends its owner's orders.
type OrderGasDecorator struct {
	exchange exchangekeeper.Keeper
}

// NewOrderGasDecorator returns the fixed order gas and rate-limit
// decorator.
func NewOrderGasDecorator(k exchangekeeper.Keeper) OrderGasDecorator {
	return OrderGasDecorator{exchange: k}
}

// orderGasObserver, if set (tests only), sees every fixed meter created.
var orderGasObserver func(*FixedGasMeter)

// AnteHandle implements sdk.AnteDecorator.
func (d OrderGasDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	msgs := tx.GetMsgs()
	if fixed, ok := exchangetypes.OrderTxGas(msgs); ok {
		limit := ctx.GasMeter().Limit()
		if fixed > limit {
			return ctx, errorsmod.Wrapf(sdkerrors.ErrOutOfGas,
				"order tx: fixed gas %d (x/exchange order gas formula) above the gas limit %d", fixed, limit)
		}
		m := &FixedGasMeter{limit: limit, fixed: fixed, real: ctx.GasMeter().GasConsumed()}
		if orderGasObserver != nil {
			orderGasObserver(m)
		}
		ctx = ctx.WithGasMeter(m)
	}
	if !ctx.IsCheckTx() || ctx.IsReCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	for _, o := range orderCounts(msgs) {
		v, err := d.exchange.ChargeOrderRate(ctx, o.owner, o.orders)
		if err != nil {
			return ctx, err
		}
		if err := v.Err(); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

type ownerOrders struct {
	owner  sdk.AccAddress
	orders uint64
}

// orderCounts returns the orders msgs count against the rate limit, also
// those inside authz MsgExec (to maxExecDepth), per owner in the order the
// owners first appear (no map iteration).
func orderCounts(msgs []sdk.Msg) []ownerOrders {
	var out []ownerOrders
	var walk func(msgs []sdk.Msg, depth int)
	walk = func(msgs []sdk.Msg, depth int) {
		for _, msg := range msgs {
			if exec, ok := msg.(*authz.MsgExec); ok {
				if inner, err := exec.GetMessages(); err == nil && depth < maxExecDepth {
					walk(inner, depth+1)
				}
				continue
			}
			_, n, ok := exchangetypes.OrderMsgGas(msg)
			if !ok || n == 0 {
				continue
			}
			owner, err := addrcache.AccAddressFromBech32(exchangetypes.OrderMsgOwner(msg))
			if err != nil {
				continue // ValidateBasic refused it already
			}
			i := 0
			for i < len(out) && !out[i].owner.Equals(owner) {
				i++
			}
			if i == len(out) {
				out = append(out, ownerOrders{owner: owner})
			}
			out[i].orders += n
		}
	}
	walk(msgs, 0)
	return out
}

// FixedGasMeter reports a fixed gas consumption (the order gas formula)
// while metering the real consumption against the limit: going past the
// limit panics out of gas as the SDK's meter does.
type FixedGasMeter struct {
	limit, fixed, real uint64
}

var _ storetypes.GasMeter = (*FixedGasMeter)(nil)

// Real returns the gas really consumed so far (ante handler included).
func (m *FixedGasMeter) Real() uint64 { return m.real }

// Fixed returns the fixed gas the meter reports.
func (m *FixedGasMeter) Fixed() uint64 { return m.fixed }

// GasConsumed returns the fixed gas.
func (m *FixedGasMeter) GasConsumed() storetypes.Gas { return m.fixed }

// GasConsumedToLimit returns the fixed gas (never above the limit).
func (m *FixedGasMeter) GasConsumedToLimit() storetypes.Gas { return m.fixed }

// GasRemaining returns what the real consumption leaves of the limit.
func (m *FixedGasMeter) GasRemaining() storetypes.Gas {
	if m.real >= m.limit {
		return 0
	}
	return m.limit - m.real
}

// Limit returns the tx's gas limit.
func (m *FixedGasMeter) Limit() storetypes.Gas { return m.limit }

// ConsumeGas meters real consumption; past the limit it panics out of gas.
func (m *FixedGasMeter) ConsumeGas(amount storetypes.Gas, descriptor string) {
	sum := m.real + amount
	if sum < m.real {
		panic(storetypes.ErrorGasOverflow{Descriptor: descriptor})
	}
	m.real = sum
	if m.real > m.limit {
		panic(storetypes.ErrorOutOfGas{Descriptor: descriptor})
	}
}

// RefundGas gives back real consumption.
func (m *FixedGasMeter) RefundGas(amount storetypes.Gas, descriptor string) {
	if amount > m.real {
		panic(storetypes.ErrorNegativeGasConsumed{Descriptor: descriptor})
	}
	m.real -= amount
}

// IsPastLimit reports whether the real consumption passed the limit.
func (m *FixedGasMeter) IsPastLimit() bool { return m.real > m.limit }

// IsOutOfGas reports whether the real consumption reached the limit.
func (m *FixedGasMeter) IsOutOfGas() bool { return m.real >= m.limit }

// String implements storetypes.GasMeter.
func (m *FixedGasMeter) String() string {
	return fmt.Sprintf("FixedGasMeter:\n  limit: %d\n  fixed: %d\n  real: %d", m.limit, m.fixed, m.real)
}
