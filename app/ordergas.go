package app

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

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
// It sits after the signature checks (the meter it replaces has charged the
// tx size and signatures, which the formula's base covers).
type OrderGasDecorator struct{}

// NewOrderGasDecorator returns the fixed order gas decorator.
func NewOrderGasDecorator() OrderGasDecorator { return OrderGasDecorator{} }

// orderGasObserver, if set (tests only), sees every fixed meter created.
var orderGasObserver func(*FixedGasMeter)

// AnteHandle implements sdk.AnteDecorator.
func (OrderGasDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	fixed, ok := exchangetypes.OrderTxGas(tx.GetMsgs())
	if !ok {
		return next(ctx, tx, simulate)
	}
	limit := ctx.GasMeter().Limit()
	if fixed > limit {
		return ctx, errorsmod.Wrapf(sdkerrors.ErrOutOfGas,
			"order tx: fixed gas %d (x/exchange order gas formula) above the gas limit %d", fixed, limit)
	}
	m := &FixedGasMeter{limit: limit, fixed: fixed, real: ctx.GasMeter().GasConsumed()}
	if orderGasObserver != nil {
		orderGasObserver(m)
	}
	return next(ctx.WithGasMeter(m), tx, simulate)
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
