package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name, also its store key and the name of
	// its module account (which holds every exchange balance; no mint, no
	// burn).
	ModuleName = "exchange"
	// StoreKey is the KV store key.
	StoreKey = ModuleName
	// TransientStoreKey is the transient store key: the block's order queue.
	TransientStoreKey = "transient_" + ModuleName
	// RouterKey is the msg router key.
	RouterKey = ModuleName
)

// Store prefixes: each declared once, never reused.
var (
	ParamsKey       = collections.NewPrefix(0)
	MarketsKey      = collections.NewPrefix(1)
	MarketSeqKey    = collections.NewPrefix(2)
	MarketStatesKey = collections.NewPrefix(3)
	BalancesKey     = collections.NewPrefix(4)
	OwnerIDsKey     = collections.NewPrefix(5)
	OwnerAddrsKey   = collections.NewPrefix(6)
	OwnerSeqKey     = collections.NewPrefix(7)
	OrderSeqKey     = collections.NewPrefix(8)
	LevelsKey       = collections.NewPrefix(9)
	BookMetasKey    = collections.NewPrefix(10)
	PendingKey      = collections.NewPrefix(11)
	PendingSeqKey   = collections.NewPrefix(12)
	TradesKey       = collections.NewPrefix(13)
	VolumeKey       = collections.NewPrefix(14)
	HeartbeatsKey   = collections.NewPrefix(15)
	HeartbeatDueKey = collections.NewPrefix(16)
	PendingIDsKey   = collections.NewPrefix(17)
	SweepsKey       = collections.NewPrefix(18)
	SweepSeqKey     = collections.NewPrefix(19)
	DoomedKey       = collections.NewPrefix(20)
	// The order API (fills of live orders, statuses of finished orders):
	// prefixes from 40, clear of the other parts' new ones.
	FilledKey       = collections.NewPrefix(40)
	StatusBlocksKey = collections.NewPrefix(41)
	// RateLimitsKey: account → its order rate-limit window (ratelimit.go);
	// prefixes from 60 are the market makers'.
	RateLimitsKey = collections.NewPrefix(60)
	// CarryKey: the carry-over queue, one value per block that wrote one
	// (keeper/carry.go); it replaced PendingKey, PendingSeqKey and
	// PendingIDsKey (one key per command and its index; consensus version
	// 3), which are retired. Prefixes from 80 are the block budget's.
	CarryKey = collections.NewPrefix(80)
	// Settlement records of tracked contract orders (keeper/contract_status.go):
	// prefixes from 90 are the contracts'.
	ContractOrdersKey      = collections.NewPrefix(90)
	ContractOrderCIDsKey   = collections.NewPrefix(91)
	ContractOrderOwnersKey = collections.NewPrefix(92)

	// Transient store.
	QueueKey      = collections.NewPrefix(0)
	QueueSeqKey   = collections.NewPrefix(1)
	OrderIndexKey = collections.NewPrefix(2)
	// QueueClientIDsKey: (owner id, client order id) → order id of this
	// block's queued places.
	QueueClientIDsKey = collections.NewPrefix(10)
	// QueueOwnerCountsKey: (owner id, market id) → the owner's places less
	// its cancels queued this block (the owner cap in DeliverTx).
	QueueOwnerCountsKey = collections.NewPrefix(11)
)

// Level kinds in the levels key: resting bids and asks, and the trigger
// book's buy and sell stops.
const (
	LevelBid     uint32 = 1
	LevelAsk     uint32 = 2
	LevelStopBuy uint32 = 3
	LevelStopSel uint32 = 4
)

// MarketSubject is the compliance subject of a market's eligibility rule.
func MarketSubject(id uint64) string {
	return "market/" + uitoa(id)
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// Audit actions the exchange records in compliance's audit trail, and the
// plain events of the sweep.
const (
	ActionCreateMarket     = "exchange/create_market"
	ActionUpdateMarket     = "exchange/update_market"
	ActionMarketHalted     = "exchange/market_halted"
	ActionMarketResumed    = "exchange/market_resumed"
	ActionMarketLimitState = "exchange/market_limit_state"
	ActionForceCancel      = "exchange/force_cancel"
	ActionForceCancelDone  = "exchange/force_cancel_done"
	ActionLifecycleCancel  = "exchange/lifecycle_cancel"

	// EventTypeForceCancel: a force-cancel was accepted (subject, reason, tasks).
	EventTypeForceCancel = "exchange_force_cancel"
	// EventTypeSweep: a sweep task finished (account, cause, reason, actor,
	// order_id, cancelled).
	EventTypeSweep = "exchange_sweep"
)
