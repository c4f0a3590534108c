package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Default params.
const (
	DefaultMaxBatchSize uint32 = 200
	// DefaultMaxOrdersPerBlock is the commands EndBlock runs a block: a full
	// block (DefaultMaxProposalOrders), so that a block's whole flow runs in
	// it and its second pass (which the work budget does not stop) stays
	// within the 50 ms block budget (x/exchange/README.md, "Work budget").
	DefaultMaxOrdersPerBlock  uint32 = 5000
	DefaultRecentTrades       uint32 = 100
	DefaultStatsWindowBlocks  uint32 = 1000
	DefaultMaxHeartbeatWindow uint64 = 10000
	// DefaultMaxSweepOrdersPerBlock is the sweep budget when the param is 0:
	// half the default work budget (the sweep never gets more).
	DefaultMaxSweepOrdersPerBlock uint32 = DefaultMaxWorkPerBlock / 2
	// DefaultMaxWorkPerBlock is the EndBlock work budget when the param is 0,
	// sized to DESIGN.md's 50 ms a block from the measured CPU cost of a unit
	// of each step (BenchmarkEndBlockStep) beside a full block's flow
	// (x/exchange/README.md, "Work budget", shows the arithmetic).
	DefaultMaxWorkPerBlock uint32 = 4000
	// DefaultMaxOpenOrdersPerOwner is the per-owner, per-market cap of live
	// orders when the param is 0.
	DefaultMaxOpenOrdersPerOwner uint32 = 1000
	// DefaultStatusWindowBlocks: finished orders' statuses are kept 250
	// blocks, 75 s at the node's 300 ms timeout_commit (cleard init): a
	// client or a contract's settle_offer still finds a finished order's
	// status about as long as the earlier 100 blocks at 800 ms (80 s).
	DefaultStatusWindowBlocks uint32 = 250
	// MaxStatusWindowBlocks bounds status_window_blocks.
	MaxStatusWindowBlocks uint32 = 1_000_000
	// DefaultMaxProposalOrders is the cap of orders in one block's txs when
	// max_proposal_orders is 0 (app/proposal.go; sized in
	// docs/benchmarks.md, "Blocks bounded in work").
	DefaultMaxProposalOrders uint32 = 5000
)

// ProposalOrderCap is the number of orders one block's txs may carry
// (PrepareProposal stops there, ProcessProposal rejects beyond it).
func (p Params) ProposalOrderCap() uint64 {
	if p.MaxProposalOrders == 0 {
		return uint64(DefaultMaxProposalOrders)
	}
	return uint64(p.MaxProposalOrders)
}

// WorkBudget is the number of orders EndBlock may touch a block.
func (p Params) WorkBudget() int {
	if p.MaxWorkPerBlock == 0 {
		return int(DefaultMaxWorkPerBlock)
	}
	return int(p.MaxWorkPerBlock)
}

// OpenOrderCap is the number of live orders an owner may have in a market.
func (p Params) OpenOrderCap() int {
	if p.MaxOpenOrdersPerOwner == 0 {
		return int(DefaultMaxOpenOrdersPerOwner)
	}
	return int(p.MaxOpenOrdersPerOwner)
}

// SweepBudget is the number of orders EndBlock's sweep may cancel a block.
func (p Params) SweepBudget() int {
	if p.MaxSweepOrdersPerBlock == 0 {
		return int(DefaultMaxSweepOrdersPerBlock)
	}
	return int(p.MaxSweepOrdersPerBlock)
}

// DefaultParams returns the default params (governance is the authority).
func DefaultParams() Params {
	return Params{
		MaxBatchSize:       DefaultMaxBatchSize,
		MaxOrdersPerBlock:  DefaultMaxOrdersPerBlock,
		RecentTrades:       DefaultRecentTrades,
		StatsWindowBlocks:  DefaultStatsWindowBlocks,
		MaxHeartbeatWindow: DefaultMaxHeartbeatWindow,

		MaxSweepOrdersPerBlock: DefaultMaxSweepOrdersPerBlock,
		MaxWorkPerBlock:        DefaultMaxWorkPerBlock,
		MaxOpenOrdersPerOwner:  DefaultMaxOpenOrdersPerOwner,
		StatusWindowBlocks:     DefaultStatusWindowBlocks,
	}
}

// Validate checks the params.
func (p Params) Validate() error {
	if p.Authority != "" {
		if _, err := sdk.AccAddressFromBech32(p.Authority); err != nil {
			return errorsmod.Wrapf(ErrInvalidParams, "authority: %v", err)
		}
	}
	switch {
	case p.MaxBatchSize == 0 || p.MaxBatchSize > MaxBatchSizeLimit:
		return errorsmod.Wrapf(ErrInvalidParams, "max_batch_size must be in [1, %d]", MaxBatchSizeLimit)
	case p.MaxOrdersPerBlock == 0:
		return errorsmod.Wrap(ErrInvalidParams, "max_orders_per_block must be positive")
	case p.RecentTrades == 0 || p.RecentTrades > 10000:
		return errorsmod.Wrap(ErrInvalidParams, "recent_trades must be in [1, 10000]")
	case p.StatsWindowBlocks == 0 || p.StatsWindowBlocks > 1_000_000:
		return errorsmod.Wrap(ErrInvalidParams, "stats_window_blocks must be in [1, 1000000]")
	case p.MaxHeartbeatWindow == 0:
		return errorsmod.Wrap(ErrInvalidParams, "max_heartbeat_window must be positive")
	case p.MaxProposalOrders != 0 && p.MaxProposalOrders < p.MaxBatchSize:
		return errorsmod.Wrap(ErrInvalidParams, "max_proposal_orders must be 0 (the default) or at least max_batch_size (a full batch must fit in a block)")
	case p.RateLimitWindowBlocks > MaxRateLimitWindowBlocks:
		return errorsmod.Wrapf(ErrInvalidParams, "rate_limit_window_blocks must be at most %d", MaxRateLimitWindowBlocks)
	case p.StatusWindowBlocks > MaxStatusWindowBlocks:
		return errorsmod.Wrapf(ErrInvalidParams, "status_window_blocks must be at most %d", MaxStatusWindowBlocks)
	}
	return nil
}
