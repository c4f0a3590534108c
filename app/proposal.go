package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"
	"google.golang.org/protobuf/encoding/protowire"

	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Blocks bounded in work (issue 15). A block's cost is driven by the orders
// its txs carry (each is run by the exchange msg server in DeliverTx, then
// matched and settled in EndBlock), not by its bytes or its gas: an
// unbounded proposer reaped the whole mempool into one 33k-order block that
// took 63 s. The exchange param max_proposal_orders (a consensus value, so
// every validator applies the same cap) bounds the orders of one block:
//
//   - PrepareProposal takes the proposer's txs in order while they fit; the
//     first that does not fit ends the block (the rest stays in the mempool,
//     in order, for the next block — stopping there rather than skipping
//     keeps each signer's sequence contiguous);
//   - ProcessProposal rejects a proposal that carries more (a byzantine or
//     misconfigured proposer) — it never returns an error;
//   - CheckTx refuses a tx that alone carries more, which could never be
//     proposed (orderCapDecorator).
//
// Orders are counted from the messages, as x/exchange's EndBlock budget
// counts commands: a place, cancel, cancel-replace, mass cancel or force
// cancel counts one, a MsgBatch its cancels plus its places; messages inside
// an authz MsgExec count too. Other messages count zero (their cost is bound
// by gas and block.max_gas).

// ordersIn is the number of orders the msgs carry.
func ordersIn(msgs []sdk.Msg) uint64 {
	var n uint64
	for _, m := range msgs {
		n += ordersInMsg(m, 0)
	}
	return n
}

// maxExecDepth bounds the nesting of authz MsgExec that ordersInMsg opens
// (a deeper nesting counts as the cap's worth of orders: never proposed).
const maxExecDepth = 4

func ordersInMsg(m sdk.Msg, depth int) uint64 {
	switch msg := m.(type) {
	case *exchangetypes.MsgPlaceOrder, *exchangetypes.MsgCancelOrder, *exchangetypes.MsgCancelReplace,
		*exchangetypes.MsgMassCancel, *exchangetypes.MsgForceCancel:
		return 1
	case *exchangetypes.MsgBatch:
		return uint64(len(msg.Cancels)) + uint64(len(msg.Places))
	case *authz.MsgExec:
		if depth >= maxExecDepth {
			return uint64(^uint32(0))
		}
		inner, err := msg.GetMessages()
		if err != nil {
			return 0 // undecodable: refused by the msg's own validation
		}
		var n uint64
		for _, im := range inner {
			n += ordersInMsg(im, depth+1)
		}
		return n
	default:
		return 0
	}
}

// exchangeParams is what the cap needs from x/exchange.
type exchangeParams interface {
	GetParams(ctx context.Context) exchangetypes.Params
}

// orderCapSelector is PrepareProposal's TxSelector: the SDK's default
// selection (baseapp.NewDefaultTxSelector: a tx is taken while the block's
// bytes and block.max_gas allow it) with the order cap on top. It keeps
// the selection itself: asking the SDK's selector whether a tx was taken
// means copying its whole selection (SelectedTxs), per tx — quadratic in
// the block's txs, 2.6% of a node's CPU under single orders at ~1,300 txs a
// block (docs/benchmarks.md, stop 27).
type orderCapSelector struct {
	exchange exchangeParams

	txs     [][]byte
	txBytes uint64
	txGas   uint64
	cap     uint64 // read from the params at the first tx of a proposal
	orders  uint64
	full    bool
}

var _ baseapp.TxSelector = (*orderCapSelector)(nil)

func newOrderCapSelector(exchange exchangeParams) *orderCapSelector {
	return &orderCapSelector{exchange: exchange}
}

// SelectedTxs implements baseapp.TxSelector: a copy of the selection.
func (s *orderCapSelector) SelectedTxs(context.Context) [][]byte {
	txs := make([][]byte, len(s.txs))
	copy(txs, s.txs)
	return txs
}

// Clear implements baseapp.TxSelector (called after each proposal).
func (s *orderCapSelector) Clear() { *s = orderCapSelector{exchange: s.exchange} }

// SelectTxForProposal implements baseapp.TxSelector.
func (s *orderCapSelector) SelectTxForProposal(ctx context.Context, maxTxBytes, maxBlockGas uint64, memTx sdk.Tx, txBz []byte) bool {
	if s.full {
		return true
	}
	if s.cap == 0 {
		s.cap = s.exchange.GetParams(ctx).ProposalOrderCap()
	}
	var n, gas uint64
	if memTx != nil {
		n = ordersIn(memTx.GetMsgs())
		if g, ok := memTx.(baseapp.GasTx); ok {
			gas = g.GetGas()
		}
	}
	if n > s.cap {
		// Can never fit (CheckTx refuses such a tx; one may still come from
		// another node's mempool): leave it out, go on.
		return false
	}
	if s.orders+n > s.cap {
		s.full = true
		return true
	}
	// The SDK's default selection, as baseapp's defaultTxSelector.
	// cmttypes.ComputeProtoSizeForTxs of the one tx (a repeated bytes
	// field of the block's data: tag, length, bytes), without its two
	// allocations.
	size := uint64(1 + protowire.SizeBytes(len(txBz)))
	if s.txBytes+size <= maxTxBytes && (maxBlockGas == 0 || s.txGas+gas <= maxBlockGas) {
		if maxBlockGas > 0 {
			s.txGas += gas
		}
		s.txBytes += size
		s.txs = append(s.txs, txBz)
		s.orders += n
	}
	return s.txBytes >= maxTxBytes || (maxBlockGas > 0 && s.txGas >= maxBlockGas) || s.orders >= s.cap
}

// orderCapProcessProposal wraps inner (the default ProcessProposal, which
// accepts everything when the mempool is CometBFT's): a proposal whose txs
// carry more orders than the cap is rejected. Undecodable txs are left to
// inner and to delivery (they fail there as txs). Never returns an error.
func orderCapProcessProposal(exchange exchangeParams, decode sdk.TxDecoder, inner sdk.ProcessProposalHandler) sdk.ProcessProposalHandler {
	reject := &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
	return func(ctx sdk.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
		limit := exchange.GetParams(ctx).ProposalOrderCap()
		var orders uint64
		for _, bz := range req.Txs {
			tx, err := decode(bz)
			if err != nil {
				continue
			}
			orders += ordersIn(tx.GetMsgs())
			if orders > limit {
				ctx.Logger().Error("rejecting proposal: too many orders", "height", req.Height, "orders_at_least", orders, "max_proposal_orders", limit)
				return reject, nil
			}
		}
		return inner(ctx, req)
	}
}

// orderCapDecorator refuses a tx that alone carries more orders than a
// block may (max_proposal_orders): it could never be proposed, and would sit
// in the mempool with its signer's later txs stuck behind it. It runs
// before the fee is deducted: a refused tx pays nothing.
type orderCapDecorator struct{ exchange exchangeParams }

func newOrderCapDecorator(exchange exchangeParams) orderCapDecorator {
	return orderCapDecorator{exchange: exchange}
}

// AnteHandle implements sdk.AnteDecorator.
func (d orderCapDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if n := ordersIn(tx.GetMsgs()); n > 0 {
		// The params are read on their own meter: the check adds no gas.
		free := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		if limit := d.exchange.GetParams(free).ProposalOrderCap(); n > limit {
			return ctx, errorsmod.Wrapf(sdkerrors.ErrTxTooLarge, "the tx carries %d orders, a block at most %d (exchange param max_proposal_orders)", n, limit)
		}
	}
	return next(ctx, tx, simulate)
}
