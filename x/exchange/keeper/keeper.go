// Package keeper implements x/exchange: markets, exchange balances, the
// block's order queue, EndBlock matching through the matching engine, DvP
// settlement and the write-back of the books' changed price levels.
package keeper

import (
	"context"
	"sync"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Keeper of the exchange module. A Keeper value may be copied: copies share
// the in-memory books.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService store.KVStoreService
	bank         types.BankKeeper
	compliance   types.ComplianceKeeper
	oracle       types.OraclePriceSource
	govAuthority string
	feeCollector string
	// feeAddr is the fee collector's address: the owner of the exchange
	// balance fees accrue in (see payFees).
	feeAddr sdk.AccAddress
	refs    *refs

	Schema       collections.Schema
	Params       collections.Item[types.Params]
	Markets      collections.Map[uint64, types.Market]
	MarketSeq    collections.Sequence
	MarketStates collections.Map[uint64, types.MarketState]
	// Balances: one key per (account, denom), in types.BalanceValue's
	// binary encoding.
	Balances   collections.Map[collections.Pair[sdk.AccAddress, string], types.Balance]
	OwnerIDs   collections.Map[sdk.AccAddress, uint64]
	OwnerAddrs collections.Map[uint64, []byte]
	OwnerSeq   collections.Sequence
	OrderSeq   collections.Sequence
	// Levels: one key per (market, level kind, price) holding the level's
	// orders in FIFO order, in the binary encoding of types.EncodeLevel.
	Levels    collections.Map[collections.Triple[uint64, uint32, int64], []byte]
	BookMetas collections.Map[uint64, types.BookMeta]
	// Carry: the carry-over queue, one value per block that wrote one
	// (carry.go); Pending is its read-only view in queue order.
	Carry        collections.Map[int64, []byte]
	Pending      CarryQueue
	Trades       collections.Map[collections.Pair[uint64, uint64], types.Trade]
	Volume       collections.Map[collections.Pair[uint64, uint64], types.VolumeBucket]
	Heartbeats   collections.Map[sdk.AccAddress, types.Heartbeat]
	HeartbeatDue collections.KeySet[collections.Pair[int64, sdk.AccAddress]]
	// Sweeps: the sweep queue (barred accounts, force-cancels), in order;
	// Doomed: force-cancelled orders not yet in a book.
	Sweeps   collections.Map[uint64, types.SweepTask]
	SweepSeq collections.Sequence
	Doomed   collections.KeySet[uint64]
	// Filled: order id → lots filled so far, for the live orders that have
	// partly filled (the fills of finished orders are in their status).
	Filled collections.Map[uint64, uint64]
	// StatusBlocks: finish height → the statuses of the orders that
	// finished in that block (types.AppendStatus records), kept
	// params.status_window_blocks blocks: one key a block, however many
	// orders finished.
	StatusBlocks collections.Map[int64, []byte]
	// RateLimits: account → its order rate-limit window (ratelimit.go).
	RateLimits collections.Map[sdk.AccAddress, []byte]
	// ContractOrders: order id → the settlement record of a tracked
	// contract order; ContractOrderCIDs: (owner, client order id) → its
	// order id; ContractOrderOwners: owner id → how many records it has
	// (contract_status.go).
	ContractOrders      collections.Map[uint64, types.ContractOrderRecord]
	ContractOrderCIDs   collections.Map[collections.Pair[sdk.AccAddress, string], uint64]
	ContractOrderOwners collections.Map[uint64, uint64]

	// Transient: the block's queue and the index of the orders it places.
	TSchema  collections.Schema
	Queue    collections.Map[uint64, types.QueuedCommand]
	QueueSeq collections.Sequence
	QueueIDs collections.Map[uint64, types.QueuedCommand]
	// QueueClientIDs: (owner id, client order id) → id of a place queued
	// this block.
	QueueClientIDs collections.Map[collections.Pair[uint64, string], uint64]
	// QueueOwnerCounts: (owner id, market id) → places less cancels of the
	// owner queued this block (see orders.go, checkOwnerCap).
	QueueOwnerCounts collections.Map[collections.Pair[uint64, uint64], int64]

	mem *memState
	// rate: the block's rate-limit refusals (ratelimit.go).
	rate *rateJournal
}

// memState is the in-memory cache of committed state: one matching.Book per
// market plus the client order ids the books do not keep. It is changed only
// by EndBlock (and genesis), never by a tx that may roll back. It is shared
// by the copies of a Keeper (a pointer), and so are the buffers EndBlock
// reuses from block to block.
type memState struct {
	mu     sync.RWMutex
	loaded bool
	books  map[uint64]*matching.Book
	metas  map[uint64]types.BookMeta // as last persisted
	// clientIDs holds the client order id of the live orders that have one
	// (most have none: the map stays small).
	clientIDs map[matching.OrderID]string
	// byClient: (owner id, client order id) → the live order in a book.
	byClient map[clientKey]matching.OrderID
	// filled: lots filled so far by the live orders that have partly
	// filled, and whether that is stored (Filled).
	filled map[matching.OrderID]filledQty
	// The block's order bookkeeping, written by EndBlock's last step
	// (flushOrders): orders whose fills changed, orders that finished.
	filledDirty []matching.OrderID
	finished    []types.OrderStatus
	// statusAt: order id → the height of the StatusBlocks value holding
	// its status; statusCID: (owner, client order id) → the latest such
	// order. Rebuilt from StatusBlocks at load.
	statusAt  map[uint64]int64
	statusCID map[statusClientKey]uint64
	owners    map[uint64]ownerInfo
	// carried: order id → the carried-over place (carry.go); carriedBy:
	// owner id → the ids of its carried-over places. Rebuilt from Carry at
	// load.
	carried   map[uint64]types.QueuedCommand
	carriedBy map[uint64]map[uint64]struct{}
	height    int64 // last EndBlock height run
	// heightStr is the EndBlock height in decimal (fill events).
	heightStr string

	// Buffers reused by EndBlock (under mu).
	events []matching.Event
	lvbuf  []matching.Order
	keybuf []matching.LevelKey
	cmds   []types.QueuedCommand
	arena  []byte // free tail of the chunk level values are built in
	// encoded holds, per market, each level's value as last written, to
	// update it from the engine's LevelDelta (empty after a load: the first
	// write of a level after a restart encodes it whole).
	encoded map[uint64]map[matching.LevelKey][]byte
	led     *ledger
	strs    strArena
	// eb: EndBlock's own buffers and caches (endblock_mem.go).
	eb endBlockMem
}

// refs holds what the app wires after building the keeper, shared by its
// copies.
type refs struct {
	assets types.AssetRegistry
}

// SetAssetRegistry tells the exchange which denoms are paused or restricted
// (x/assets, built after this keeper). The app calls it once.
func (k Keeper) SetAssetRegistry(r types.AssetRegistry) { k.refs.assets = r }

// isPaused reports whether denom is a paused asset.
func (k Keeper) isPaused(ctx context.Context, denom string) bool {
	return k.refs.assets != nil && k.refs.assets.IsPaused(ctx, denom)
}

// isRestricted reports whether denom is a restricted asset.
func (k Keeper) isRestricted(ctx context.Context, denom string) bool {
	return k.refs.assets != nil && k.refs.assets.IsRestricted(ctx, denom)
}

// FeeAddress is the account whose exchange balance holds the fees not (yet)
// swept to the fee collector's bank balance.
func (k Keeper) FeeAddress() sdk.AccAddress { return k.feeAddr }

type ownerInfo struct {
	addr sdk.AccAddress
	str  string
}

// NewKeeper returns the exchange keeper. govAuthority may always act as the
// authority (besides params.authority); feeCollector is the module account
// receiving trading fees. compliance and oracle may be nil.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService store.KVStoreService,
	tstoreService store.TransientStoreService,
	bank types.BankKeeper,
	compliance types.ComplianceKeeper,
	oracle types.OraclePriceSource,
	govAuthority string,
	feeCollector string,
) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	cmdValue := types.CommandValue{JSON: codec.CollValue[types.QueuedCommand](cdc)}
	tsb := collections.NewSchemaBuilderFromAccessor(tstoreService.OpenTransientStore)
	k := Keeper{
		cdc: cdc, storeService: storeService, bank: bank, compliance: compliance, oracle: oracle,
		govAuthority: govAuthority, feeCollector: feeCollector, feeAddr: authtypes.NewModuleAddress(feeCollector),
		refs:         &refs{},
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Markets:      collections.NewMap(sb, types.MarketsKey, "markets", collections.Uint64Key, codec.CollValue[types.Market](cdc)),
		MarketSeq:    collections.NewSequence(sb, types.MarketSeqKey, "market_seq"),
		MarketStates: collections.NewMap(sb, types.MarketStatesKey, "market_states", collections.Uint64Key, codec.CollValue[types.MarketState](cdc)),
		Balances: collections.NewMap(sb, types.BalancesKey, "balances",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey), types.BalanceValue{JSON: codec.CollValue[types.Balance](cdc)}),
		OwnerIDs:   collections.NewMap(sb, types.OwnerIDsKey, "owner_ids", sdk.AccAddressKey, collections.Uint64Value),
		OwnerAddrs: collections.NewMap(sb, types.OwnerAddrsKey, "owner_addrs", collections.Uint64Key, collections.BytesValue),
		OwnerSeq:   collections.NewSequence(sb, types.OwnerSeqKey, "owner_seq"),
		OrderSeq:   collections.NewSequence(sb, types.OrderSeqKey, "order_seq"),
		Levels: collections.NewMap(sb, types.LevelsKey, "levels",
			collections.TripleKeyCodec(collections.Uint64Key, collections.Uint32Key, collections.Int64Key), types.RawBytesValue),
		BookMetas: collections.NewMap(sb, types.BookMetasKey, "book_metas", collections.Uint64Key, codec.CollValue[types.BookMeta](cdc)),
		Carry:     collections.NewMap(sb, types.CarryKey, "carry", collections.Int64Key, collections.BytesValue),
		Trades: collections.NewMap(sb, types.TradesKey, "trades",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), codec.CollValue[types.Trade](cdc)),
		Volume: collections.NewMap(sb, types.VolumeKey, "volume",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), codec.CollValue[types.VolumeBucket](cdc)),
		Heartbeats:   collections.NewMap(sb, types.HeartbeatsKey, "heartbeats", sdk.AccAddressKey, codec.CollValue[types.Heartbeat](cdc)),
		HeartbeatDue: collections.NewKeySet(sb, types.HeartbeatDueKey, "heartbeat_due", collections.PairKeyCodec(collections.Int64Key, sdk.AccAddressKey)),
		Sweeps:       collections.NewMap(sb, types.SweepsKey, "sweeps", collections.Uint64Key, codec.CollValue[types.SweepTask](cdc)),
		SweepSeq:     collections.NewSequence(sb, types.SweepSeqKey, "sweep_seq"),
		Doomed:       collections.NewKeySet(sb, types.DoomedKey, "doomed", collections.Uint64Key),
		Filled:       collections.NewMap(sb, types.FilledKey, "filled", collections.Uint64Key, collections.Uint64Value),
		StatusBlocks: collections.NewMap(sb, types.StatusBlocksKey, "status_blocks", collections.Int64Key, collections.BytesValue),
		RateLimits:   collections.NewMap(sb, types.RateLimitsKey, "rate_limits", sdk.AccAddressKey, collections.BytesValue),
		ContractOrders: collections.NewMap(sb, types.ContractOrdersKey, "contract_orders", collections.Uint64Key,
			codec.CollValue[types.ContractOrderRecord](cdc)),
		ContractOrderCIDs: collections.NewMap(sb, types.ContractOrderCIDsKey, "contract_order_cids",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey), collections.Uint64Value),
		ContractOrderOwners: collections.NewMap(sb, types.ContractOrderOwnersKey, "contract_order_owners",
			collections.Uint64Key, collections.Uint64Value),

		Queue:    collections.NewMap(tsb, types.QueueKey, "queue", collections.Uint64Key, cmdValue),
		QueueSeq: collections.NewSequence(tsb, types.QueueSeqKey, "queue_seq"),
		QueueIDs: collections.NewMap(tsb, types.OrderIndexKey, "queue_ids", collections.Uint64Key, cmdValue),
		QueueClientIDs: collections.NewMap(tsb, types.QueueClientIDsKey, "queue_client_ids",
			collections.PairKeyCodec(collections.Uint64Key, collections.StringKey), collections.Uint64Value),
		QueueOwnerCounts: collections.NewMap(tsb, types.QueueOwnerCountsKey, "queue_owner_counts",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), collections.Int64Value),

		mem: newMemState(), rate: &rateJournal{},
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err) // static schema: a programming error
	}
	k.Schema = schema
	tschema, err := tsb.Build()
	if err != nil {
		panic(err)
	}
	k.TSchema = tschema
	k.Pending = CarryQueue{carry: k.Carry}
	return k
}

func newMemState() *memState {
	return &memState{
		books:     map[uint64]*matching.Book{},
		metas:     map[uint64]types.BookMeta{},
		clientIDs: map[matching.OrderID]string{},
		byClient:  map[clientKey]matching.OrderID{},
		filled:    map[matching.OrderID]filledQty{},
		statusAt:  map[uint64]int64{},
		statusCID: map[statusClientKey]uint64{},
		owners:    map[uint64]ownerInfo{},
		carried:   map[uint64]types.QueuedCommand{},
		carriedBy: map[uint64]map[uint64]struct{}{},
		encoded:   map[uint64]map[matching.LevelKey][]byte{},
	}
}

// GovAuthority returns the governance authority address.
func (k Keeper) GovAuthority() string { return k.govAuthority }

// checkAuthority returns nil if signer is governance or params.authority.
func (k Keeper) checkAuthority(ctx context.Context, signer string) error {
	if signer == k.govAuthority {
		return nil
	}
	p, err := k.Params.Get(ctx)
	if err == nil && p.Authority != "" && p.Authority == signer {
		return nil
	}
	return errorsmod.Wrapf(types.ErrUnauthorized, "%s is neither governance (%s) nor the params authority", signer, k.govAuthority)
}

// GetParams returns the params (defaults if unset).
func (k Keeper) GetParams(ctx context.Context) types.Params {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return types.DefaultParams()
	}
	return p
}
