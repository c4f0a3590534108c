package keeper

import (
	"context"
	"errors"
	"math/big"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// MaxClientOrderIDLen bounds client order ids.
const MaxClientOrderIDLen = types.MaxClientOrderIDLen

// tradingMarket returns market id if it exists and accepts orders of the
// given kind now (place: anything that may trade; postOnly: a post-only
// limit order).
func (k Keeper) tradingMarket(ctx context.Context, id uint64, place, postOnly bool) (types.Market, types.MarketState, error) {
	cm := k.readMarket(ctx, id)
	return cm.m, cm.st, k.checkTradable(ctx, cm, place, postOnly)
}

// marketView is what a tx reads of a market to place or cancel on it: the
// market, its state, a paused asset, its reference price (for bands and
// min notional). A message reads it once per market (msgCache), not once
// per order.
type marketView struct {
	m           types.Market
	st          types.MarketState
	err         error // reading the market or its state
	paused      string
	isPaused    bool
	ref         int64
	hasRef      bool
	terms       *terms
	minNotional big.Int
	// The owner's live orders in the market's book (msgCache only; -1: not
	// read yet) and its eligibility on it.
	live        int
	eligChecked bool
	entity      uint64
	eligErr     error
}

// readMarket reads market id and what placing on it needs.
func (k Keeper) readMarket(ctx context.Context, id uint64) *marketView {
	cm := &marketView{live: -1}
	m, err := k.Markets.Get(ctx, id)
	if err != nil {
		cm.err = errorsmod.Wrapf(types.ErrMarketNotFound, "market %d", id)
		return cm
	}
	cm.m = m
	if cm.st, cm.err = k.marketState(ctx, id); cm.err != nil {
		return cm
	}
	cm.paused, cm.isPaused = k.pausedDenom(ctx, m)
	cm.ref, cm.hasRef = k.referencePrice(ctx, m, cm.st)
	cm.terms = newTerms(m)
	if !m.MinNotional.IsNil() {
		cm.minNotional.Set(m.MinNotional.BigInt())
	}
	return cm
}

// checkTradable returns an error unless market cm accepts orders of the
// given kind now (place: anything that may trade; postOnly: a post-only
// limit order).
func (k Keeper) checkTradable(ctx context.Context, cm *marketView, place, postOnly bool) error {
	if cm.err != nil || !place {
		return cm.err
	}
	m, st, id := cm.m, cm.st, cm.m.Id
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	switch {
	case m.Status == types.MarketStatus_MARKET_STATUS_HALTED:
		return errorsmod.Wrapf(types.ErrMarketHalted, "market %d", id)
	case st.HaltedUntil > h:
		return errorsmod.Wrapf(types.ErrMarketHalted, "market %d halted by its circuit breaker until height %d", id, st.HaltedUntil)
	case st.OracleStale:
		return errorsmod.Wrapf(types.ErrMarketHalted, "market %d halted: its oracle feed %s has no fresh price", id, m.OracleFeed)
	case m.Status == types.MarketStatus_MARKET_STATUS_CANCEL_ONLY:
		return errorsmod.Wrapf(types.ErrMarketStatus, "market %d is cancel-only", id)
	case m.Status == types.MarketStatus_MARKET_STATUS_POST_ONLY && !postOnly:
		return errorsmod.Wrapf(types.ErrMarketStatus, "market %d is post-only", id)
	}
	if cm.isPaused {
		return errorsmod.Wrapf(types.ErrAssetPaused, "market %d: %s is paused by its issuer", id, cm.paused)
	}
	return nil
}

// msgCache is what one message (a MsgPlaceOrder, or a MsgBatch with all its
// items) reads once instead of once per order: each market it names and the
// owner's eligibility on it, and the owner's id. It lives for one message
// only, never across messages or txs, and holds only state that the
// message's own items do not change, so every node reads the same state
// and charges the same gas whatever it has cached. A nil *msgCache reads
// every time.
type msgCache struct {
	markets   map[uint64]*marketView
	ownerID   uint64 // 0: not read yet (or a new owner, assigned per item)
	params    types.Params
	hasParams bool
}

// getParams returns the module params, read once per message.
func (c *msgCache) getParams(ctx context.Context, k Keeper) types.Params {
	if c == nil {
		return k.GetParams(ctx)
	}
	if !c.hasParams {
		c.params, c.hasParams = k.GetParams(ctx), true
	}
	return c.params
}

// liveCount returns owner's live orders (resting and stops) in the book of
// market cm as of the last EndBlock, read once per message.
func (c *msgCache) liveCount(ctx context.Context, k Keeper, ownerID uint64, cm *marketView) (int, error) {
	if c != nil && cm.live >= 0 {
		return cm.live, nil
	}
	n, err := k.bookOwnerCount(ctx, cm.m.Id, ownerID)
	if err != nil {
		return 0, err
	}
	if c != nil {
		cm.live = n
	}
	return n, nil
}

func newMsgCache() *msgCache { return &msgCache{markets: map[uint64]*marketView{}} }

// market returns the view of market id, read on first use.
func (c *msgCache) market(ctx context.Context, k Keeper, id uint64) *marketView {
	if c == nil {
		return k.readMarket(ctx, id)
	}
	if cm, ok := c.markets[id]; ok {
		return cm
	}
	cm := k.readMarket(ctx, id)
	c.markets[id] = cm
	return cm
}

// owner returns owner's engine id (assigned on first use). Only an id read
// from the store is kept: a new one is assigned inside an item, which a best
// effort batch may roll back.
func (c *msgCache) owner(ctx context.Context, k Keeper, addr sdk.AccAddress) (uint64, error) {
	if c != nil && c.ownerID != 0 {
		return c.ownerID, nil
	}
	if c != nil {
		if id, ok := k.lookupOwnerID(ctx, addr); ok {
			c.ownerID = id
			return id, nil
		}
	}
	return k.ownerID(ctx, addr)
}

// eligible returns owner's legal entity for trading market cm (checked on
// first use in a message).
func (c *msgCache) eligible(ctx context.Context, k Keeper, owner sdk.AccAddress, ownerID uint64, cm *marketView) (uint64, error) {
	if c == nil {
		return k.checkEligible(ctx, owner, ownerID, cm.m)
	}
	if !cm.eligChecked {
		cm.entity, cm.eligErr = k.checkEligible(ctx, owner, ownerID, cm.m)
		cm.eligChecked = true
	}
	return cm.entity, cm.eligErr
}

// pausedDenom returns the paused denom of market m (base first), if any:
// while one is paused the market accepts no order and does not match.
func (k Keeper) pausedDenom(ctx context.Context, m types.Market) (string, bool) {
	if k.refs.assets == nil {
		return "", false
	}
	if k.isPaused(ctx, m.BaseDenom) {
		return m.BaseDenom, true
	}
	if k.isPaused(ctx, m.QuoteDenom) {
		return m.QuoteDenom, true
	}
	return "", false
}

func (k Keeper) marketState(ctx context.Context, id uint64) (types.MarketState, error) {
	st, err := k.MarketStates.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.MarketState{MarketId: id}, nil
	}
	return st, err
}

// referencePrice is the price of the market's oracle feed in its ticks
// when the feed has a fresh price, else the last trade price (none: false).
// A market that bands on a stale feed is halted in EndBlock (cause
// "oracle-stale"), so the fallback serves only markets without a band.
func (k Keeper) referencePrice(ctx context.Context, m types.Market, st types.MarketState) (int64, bool) {
	if p, fresh, named := k.oraclePrice(ctx, m); named && fresh {
		return p, true
	}
	return st.LastPrice, st.LastPrice > 0
}

// oraclePrice returns the fresh price of the market's oracle feed in its
// ticks. named is false when the market names no feed (or no price source is
// wired); fresh is false when the feed has no usable price now.
func (k Keeper) oraclePrice(ctx context.Context, m types.Market) (p int64, fresh, named bool) {
	if m.OracleFeed == "" || k.oracle == nil {
		return 0, false, false
	}
	p, ok := k.oracle.TickPrice(ctx, m.OracleFeed, m.OracleExponent, m.TickSize, m.LotSize)
	if !ok || p < 1 || p > int64(matching.MaxPrice) {
		return 0, false, true
	}
	return p, true, true
}

// checkEligible asks compliance whether owner may trade market m and
// returns its legal entity (or a per-owner entity without compliance).
func (k Keeper) checkEligible(ctx context.Context, owner sdk.AccAddress, ownerID uint64, m types.Market) (uint64, error) {
	if k.compliance == nil {
		return ownEntity(ownerID), nil
	}
	if err := k.compliance.CheckTrade(ctx, owner, types.MarketSubject(m.Id), m.BaseDenom, m.QuoteDenom); err != nil {
		return 0, errorsmod.Wrapf(types.ErrIneligible, "%s on market %d: %v", owner, m.Id, err)
	}
	e, err := k.compliance.EntityOf(ctx, owner)
	if err != nil {
		return 0, errorsmod.Wrapf(types.ErrIneligible, "%s: no legal entity: %v", owner, err)
	}
	if e == 0 {
		return ownEntity(ownerID), nil
	}
	return e, nil
}

// ownEntity is the entity of an owner without a registered legal entity: one
// of its own, outside the compliance id space.
func ownEntity(ownerID uint64) uint64 { return 1<<63 | ownerID }

// validateTerms checks price and quantity against the market: engine
// bounds, min notional and the price band. The min notional is checked on
// what the order can trade at: a buy at most at min(price, reference), a
// sell at least at max(price, reference), where the reference is the band's
// (oracle, else last trade); without a reference, at its price. So a market
// buy with a far worst price cannot slip under the minimum, nor a market
// sell with a worst price of 1 tick be refused for it.
func (k Keeper) validateTerms(cm *marketView, t matching.OrderType, side matching.Side, price int64, qty uint64) error {
	m := cm.m
	if price < 1 || price > int64(matching.MaxPrice) {
		return errorsmod.Wrapf(types.ErrBadTick, "price %d ticks not in [1, %d]", price, matching.MaxPrice)
	}
	if qty < 1 || qty > uint64(matching.MaxQty) {
		return errorsmod.Wrapf(types.ErrBadLot, "quantity %d lots not in [1, %d]", qty, matching.MaxQty)
	}
	ref, hasRef := cm.ref, cm.hasRef
	at := price
	if hasRef {
		if side == matching.Buy {
			at = min(price, ref)
		} else {
			at = max(price, ref)
		}
	}
	var n big.Int
	n.SetUint64(qty)
	var p big.Int
	p.SetInt64(at)
	n.Mul(&n, &p)
	n.Mul(&n, &cm.terms.tick)
	if n.Cmp(&cm.minNotional) < 0 {
		return errorsmod.Wrapf(types.ErrMinNotional, "notional %s%s (%d lots at %d ticks, what the order can trade at) < %s%s",
			n.String(), m.QuoteDenom, qty, at, m.MinNotional, m.QuoteDenom)
	}
	// A limit order must be priced inside today's band. Stops are banded
	// when they trigger (the engine's band), not when placed.
	if m.BandBps > 0 && t == matching.Limit && hasRef {
		lo, hi := band(ref, m.BandBps)
		if price < lo || price > hi {
			return errorsmod.Wrapf(types.ErrOutsideBand, "price %d outside [%d, %d] (reference %d)", price, lo, hi, ref)
		}
	}
	return nil
}

// PlaceOrder validates spec against its market, locks the funds the order
// may need, assigns its id and queues it for this block's EndBlock.
func (k Keeper) PlaceOrder(ctx context.Context, owner sdk.AccAddress, spec types.OrderSpec) (uint64, error) {
	return k.placeOrder(ctx, owner, spec, batchCredit{})
}

// placeOrder is PlaceOrder; credit, in a batch, is what the batch's cancels
// will release per denom: the order's lock is taken from it first (drawn
// from free balance when EndBlock runs the order), then from free balance.
func (k Keeper) placeOrder(ctx context.Context, owner sdk.AccAddress, spec types.OrderSpec, credit batchCredit) (uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cm := credit.cache.market(ctx, k, spec.MarketId)
	if err := k.checkTradable(ctx, cm, true, spec.PostOnly); err != nil {
		return 0, err
	}
	m := cm.m
	side := types.EngineSide(spec.Side)
	if side == matching.SideNone {
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "side %s", spec.Side)
	}
	typ, ok := types.EngineType(spec.Type)
	if !ok {
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "type %d", spec.Type)
	}
	tif, ok := types.EngineTIF(spec.TimeInForce)
	if !ok {
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "time in force %d", spec.TimeInForce)
	}
	stp, ok := types.EngineSTP(spec.Stp)
	if !ok {
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "stp mode %d", spec.Stp)
	}
	market := typ == matching.Market || typ == matching.StopMarket
	stop := typ == matching.StopLimit || typ == matching.StopMarket
	switch {
	case !types.ValidClientOrderID(spec.ClientOrderId):
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "client order id: at most %d bytes of printable ASCII without spaces", MaxClientOrderIDLen)
	case spec.PostOnly && (market || stop || tif == matching.IOC || tif == matching.FOK):
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "post-only must be a resting limit order")
	case market && tif != matching.GTC && tif != matching.IOC && tif != matching.FOK:
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "market orders are IOC or FOK")
	case m.IsAuction() && (spec.PostOnly || tif == matching.FOK):
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "FOK and post-only orders are refused by call-auction markets")
	case stop && (spec.TriggerPrice < 1 || spec.TriggerPrice > int64(matching.MaxPrice)):
		return 0, errorsmod.Wrapf(types.ErrBadTick, "trigger price %d", spec.TriggerPrice)
	case !stop && spec.TriggerPrice != 0:
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "trigger price on a non-stop order")
	case tif == matching.GTB && !market && spec.ExpireBlock <= sdkCtx.BlockHeight():
		// EndBlock expires orders up to the current height before it runs
		// the block's commands: the expiry must be a later block.
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "expire block %d is not after the current block %d", spec.ExpireBlock, sdkCtx.BlockHeight())
	case tif == matching.GTT && !market && spec.ExpireTime <= sdkCtx.BlockTime().Unix():
		return 0, errorsmod.Wrapf(types.ErrInvalidOrder, "expire time %d is in the past", spec.ExpireTime)
	case tif != matching.GTB && spec.ExpireBlock != 0, tif != matching.GTT && spec.ExpireTime != 0:
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "expiry set on an order that is not GTB/GTT")
	}
	if err := k.validateTerms(cm, typ, side, spec.Price, spec.Quantity); err != nil {
		return 0, err
	}
	if typ == matching.Limit {
		if err := limitStateRefusal(cm, side, spec.Price); err != nil {
			return 0, err
		}
	}
	ownerID, err := credit.cache.owner(ctx, k, owner)
	if err != nil {
		return 0, err
	}
	if err := k.checkOwnerCap(ctx, credit.cache, ownerID, cm); err != nil {
		return 0, err
	}
	if spec.ClientOrderId != "" {
		if id, found, err := k.liveByClientID(ctx, ownerID, spec.ClientOrderId); err != nil {
			return 0, err
		} else if found && !credit.cancelled[id] {
			// A batch's own cancel of that order frees its client id for
			// the batch's places: EndBlock runs the cancel first.
			return 0, errorsmod.Wrapf(types.ErrDuplicateClientID, "%q is order %d's", spec.ClientOrderId, id)
		}
	}
	entity, err := credit.cache.eligible(ctx, k, owner, ownerID, cm)
	if err != nil {
		return 0, err
	}
	amt, denom := cm.terms.lockInt(side, matching.Price(spec.Price), matching.Qty(spec.Quantity))
	pre, err := k.lockFromCredit(ctx, owner, denom, amt, credit)
	if err != nil {
		return 0, errorsmod.Wrapf(err, "order on market %d", m.Id)
	}
	seq, err := k.OrderSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	id := seq + 1
	cmd := types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_PLACE, MarketId: m.Id, Order: types.LevelOrder{
		Id: id, OwnerId: ownerID, EntityId: entity, Side: spec.Side, Type: types.ProtoType(typ),
		TimeInForce: types.ProtoTIF(tif), Stp: types.ProtoSTP(stp), PostOnly: spec.PostOnly,
		Price: spec.Price, TriggerPrice: spec.TriggerPrice, Quantity: spec.Quantity,
		ExpireBlock: spec.ExpireBlock, ExpireTime: spec.ExpireTime, ClientOrderId: spec.ClientOrderId,
	}}
	if !pre.Equal(amt) {
		// Only a place drawing on a batch's cancels carries prelocked (it
		// costs an allocation to decode); without it its tx took the full
		// lock of its terms.
		cmd.Prelocked = &pre
	}
	if err := k.enqueue(ctx, cmd); err != nil {
		return 0, err
	}
	if err := k.QueueIDs.Set(ctx, id, cmd); err != nil {
		return 0, err
	}
	if spec.ClientOrderId != "" {
		if err := k.QueueClientIDs.Set(ctx, collections.Join(ownerID, spec.ClientOrderId), id); err != nil {
			return 0, err
		}
	}
	if err := k.addQueuedCount(ctx, ownerID, m.Id, 1); err != nil {
		return 0, err
	}
	emitOrderPlaced(sdkCtx, &cmd, owner.String())
	return id, nil
}

func (k Keeper) enqueue(ctx context.Context, cmd types.QueuedCommand) error {
	n, err := k.QueueSeq.Next(ctx)
	if err != nil {
		return err
	}
	return k.Queue.Set(ctx, n, cmd)
}

// findOrder finds a live or queued order: its market, side, owner id and
// limit price. The in-memory books are read, never changed.
func (k Keeper) findOrder(ctx context.Context, marketID, orderID uint64) (types.LevelOrder, bool, error) {
	if c, err := k.QueueIDs.Get(ctx, orderID); err == nil {
		return c.Order, c.MarketId == marketID, nil
	}
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	if err := k.ensureLoaded(ctx); err != nil {
		return types.LevelOrder{}, false, err
	}
	if c, ok := k.carriedPlace(orderID); ok {
		return c.Order, c.MarketId == marketID, nil
	}
	b := k.mem.books[marketID]
	if b == nil {
		return types.LevelOrder{}, false, nil
	}
	o, ok := b.Order(matching.OrderID(orderID))
	if !ok {
		return types.LevelOrder{}, false, nil
	}
	return types.LevelOrderFromEngine(o, ""), true, nil
}

// resolveOrder finds the live or queued order a cancel or replace names (by
// id, or by owner's client order id when orderID is 0) and checks that owner
// owns it. It returns the order and owner's id.
func (k Keeper) resolveOrder(ctx context.Context, owner sdk.AccAddress, marketID, orderID uint64, cid string) (types.LevelOrder, uint64, error) {
	ownerID, known := k.lookupOwnerID(ctx, owner)
	if orderID == 0 {
		if cid == "" {
			return types.LevelOrder{}, 0, errorsmod.Wrap(types.ErrInvalidOrder, "no order id or client order id")
		}
		found := false
		if known {
			var err error
			if orderID, found, err = k.liveByClientID(ctx, ownerID, cid); err != nil {
				return types.LevelOrder{}, 0, err
			}
		}
		if !found {
			return types.LevelOrder{}, 0, errorsmod.Wrapf(types.ErrOrderNotFound, "%s has no open order with client order id %q", owner, cid)
		}
	}
	o, ok, err := k.findOrder(ctx, marketID, orderID)
	if err != nil {
		return o, 0, err
	}
	if !ok {
		return o, 0, errorsmod.Wrapf(types.ErrOrderNotFound, "order %d on market %d", orderID, marketID)
	}
	if !known || o.OwnerId != ownerID {
		return o, 0, errorsmod.Wrapf(types.ErrNotOwner, "order %d", orderID)
	}
	return o, ownerID, nil
}

// CancelOrder queues the cancellation of owner's order, named by id or (id
// 0) by client order id; it returns the order's id.
func (k Keeper) CancelOrder(ctx context.Context, owner sdk.AccAddress, marketID, orderID uint64, cid string) (uint64, error) {
	id, _, err := k.cancelOrder(ctx, owner, marketID, orderID, cid, batchCredit{})
	return id, err
}

// cancelOrder is CancelOrder; with credit (a batch) it adds the cancelled
// order's lock to credit, for the batch's places.
func (k Keeper) cancelOrder(ctx context.Context, owner sdk.AccAddress, marketID, orderID uint64, cid string, credit batchCredit) (uint64, bool, error) {
	cm := credit.cache.market(ctx, k, marketID)
	if err := k.checkTradable(ctx, cm, false, false); err != nil {
		return 0, false, err
	}
	o, ownerID, err := k.resolveOrder(ctx, owner, marketID, orderID, cid)
	if err != nil {
		return 0, false, err
	}
	if err := k.enqueue(ctx, types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_CANCEL, MarketId: marketID,
		Order: types.LevelOrder{Id: o.Id, OwnerId: ownerID}}); err != nil {
		return 0, false, err
	}
	if credit.cancelled == nil || !credit.cancelled[o.Id] {
		if err := k.addQueuedCount(ctx, ownerID, marketID, -1); err != nil {
			return 0, false, err
		}
	}
	credited := false
	if credit.cancelled != nil && !credit.cancelled[o.Id] {
		credit.cancelled[o.Id] = true
		amt, denom := cm.terms.lockInt(types.EngineSide(o.Side), matching.Price(o.Price), matching.Qty(o.Quantity))
		credit.add(denom, amt)
		credited = true
	}
	return o.Id, credited, nil
}

// CancelReplace queues a change of owner's order (named by id, or by client
// order id when orderID is 0) to price and a new TOTAL quantity qty: the
// order's open quantity becomes qty minus its fills (see README.md,
// "Replace"). The tx locks only the net change of the order's lock: the
// increase, if any, from free balance; EndBlock settles the rest when the
// replace runs. It returns the order's id.
func (k Keeper) CancelReplace(ctx context.Context, owner sdk.AccAddress, marketID, orderID uint64, cid string, price int64, qty uint64) (uint64, error) {
	cm := k.readMarket(ctx, marketID)
	if err := k.checkTradable(ctx, cm, true, true); err != nil {
		return 0, err
	}
	m := cm.m
	o, ownerID, err := k.resolveOrder(ctx, owner, marketID, orderID, cid)
	if err != nil {
		return 0, err
	}
	if m.Status == types.MarketStatus_MARKET_STATUS_POST_ONLY && !o.PostOnly {
		return 0, errorsmod.Wrapf(types.ErrMarketStatus, "market %d is post-only", marketID)
	}
	if o.Type == types.OrderType_ORDER_TYPE_STOP_LIMIT || o.Type == types.OrderType_ORDER_TYPE_STOP_MARKET {
		return 0, errorsmod.Wrap(types.ErrInvalidOrder, "stop orders are cancelled, not replaced")
	}
	side := types.EngineSide(o.Side)
	if err := limitStateRefusal(cm, side, price); err != nil {
		return 0, err
	}
	open := qty
	if f := k.filledOf(o.Id); f >= qty {
		open = 0 // EndBlock cancels the order: nothing is left to trade
	} else {
		open = qty - f
	}
	if open > 0 {
		if err := k.validateTerms(cm, matching.Limit, side, price, open); err != nil {
			return 0, err
		}
	} else if err := k.validateTerms(cm, matching.Limit, side, price, qty); err != nil {
		return 0, err
	}
	t := cm.terms
	newLock, denom := t.lockInt(side, matching.Price(price), matching.Qty(open))
	curLock, _ := t.lockInt(side, matching.Price(o.Price), matching.Qty(o.Quantity))
	pre := sdkmath.ZeroInt()
	if newLock.GT(curLock) {
		pre = newLock.Sub(curLock)
		if err := k.lockFunds(ctx, owner, denom, pre); err != nil {
			return 0, errorsmod.Wrapf(err, "replacing order %d", o.Id)
		}
	}
	return o.Id, k.enqueue(ctx, types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_MODIFY, MarketId: marketID,
		Order: types.LevelOrder{Id: o.Id, OwnerId: ownerID, Side: o.Side, Price: price, Quantity: qty}, Prelocked: &pre})
}

// filledOf returns the lots live order id has filled so far.
func (k Keeper) filledOf(id uint64) uint64 {
	k.mem.mu.RLock()
	defer k.mem.mu.RUnlock()
	return k.mem.filled[matching.OrderID(id)].qty
}

// liveByClientID finds owner's open order with client order id cid: queued
// this block, in a book, or carried over.
func (k Keeper) liveByClientID(ctx context.Context, ownerID uint64, cid string) (uint64, bool, error) {
	if id, err := k.QueueClientIDs.Get(ctx, collections.Join(ownerID, cid)); err == nil {
		return id, true, nil
	}
	k.mem.mu.RLock()
	defer k.mem.mu.RUnlock()
	if !k.mem.loaded {
		return 0, false, errNotLoaded
	}
	if id, ok := k.mem.byClient[clientKey{ownerID, cid}]; ok {
		return uint64(id), true, nil
	}
	found, ok := k.carriedByClientID(ownerID, cid)
	return found, ok, nil
}

// MassCancel queues the cancellation of every order of owner on side
// (UNSPECIFIED: both) of market marketID (0: every market).
func (k Keeper) MassCancel(ctx context.Context, owner sdk.AccAddress, marketID uint64, side types.Side) error {
	if side != types.Side_SIDE_UNSPECIFIED && types.EngineSide(side) == matching.SideNone {
		return errorsmod.Wrapf(types.ErrInvalidOrder, "side %d", side)
	}
	ownerID, known := k.lookupOwnerID(ctx, owner)
	if marketID != 0 {
		if _, _, err := k.tradingMarket(ctx, marketID, false, false); err != nil {
			return err
		}
	}
	has := false
	if known {
		var err error
		if has, err = k.hasOrders(ctx, ownerID, marketID, side); err != nil {
			return err
		}
	}
	if !has {
		return errorsmod.Wrapf(types.ErrOrderNotFound, "%s has no order to cancel on market %d side %s", owner, marketID, side)
	}
	cmd := types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_MASS_CANCEL, MarketId: marketID,
		Order: types.LevelOrder{OwnerId: ownerID, Side: side}}
	if err := k.enqueue(ctx, cmd); err != nil {
		return err
	}
	return k.countMassCancel(ctx, ownerID, marketID, side)
}

// limitStateRefusal refuses a limit price beyond the limit prices of a
// market in its LULD limit state (a buy above the upper limit, a sell below
// the lower one), as EndBlock would: the limit state read here is the one
// the previous EndBlock left, which the next EndBlock applies before it
// runs the block's orders (it ends a limit state only after them). An order
// carried over to a later block by the work budget is checked again there.
func limitStateRefusal(cm *marketView, side matching.Side, price int64) error {
	st := cm.st
	if st.LimitUntil == 0 {
		return nil
	}
	if side == matching.Buy && price > st.LimitHigh || side == matching.Sell && price < st.LimitLow {
		return errorsmod.Wrapf(types.ErrLimitState, "market %d is in a limit state until height %d: %s at %d outside the limits [%d, %d]",
			cm.m.Id, st.LimitUntil, side, price, st.LimitLow, st.LimitHigh)
	}
	return nil
}

// checkOwnerCap refuses a place that would take the owner beyond
// max_open_orders_per_owner orders in market cm: its live orders (resting
// and stops, as of the last EndBlock) plus its places queued this block
// less its cancels queued this block (EndBlock runs cancels first). It is
// conservative where DeliverTx cannot know better: resting orders that the
// block's takers will fill still count (EndBlock, which counts as the
// block's places run, remains the check of record; places carried over from
// an earlier block by the work budget are counted only there).
func (k Keeper) checkOwnerCap(ctx context.Context, c *msgCache, ownerID uint64, cm *marketView) error {
	limit := c.getParams(ctx, k).OpenOrderCap()
	live, err := c.liveCount(ctx, k, ownerID, cm)
	if err != nil {
		return err
	}
	queued, err := k.QueueOwnerCounts.Get(ctx, collections.Join(ownerID, cm.m.Id))
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if n := int64(live) + queued; n >= int64(limit) {
		return errorsmod.Wrapf(types.ErrOwnerOrderCap, "market %d: %d live and %d queued orders this block, max_open_orders_per_owner %d",
			cm.m.Id, live, queued, limit)
	}
	return nil
}

// addQueuedCount adds d to owner's places less cancels queued this block in
// market marketID.
func (k Keeper) addQueuedCount(ctx context.Context, ownerID, marketID uint64, d int64) error {
	key := collections.Join(ownerID, marketID)
	n, err := k.QueueOwnerCounts.Get(ctx, key)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return k.QueueOwnerCounts.Set(ctx, key, n+d)
}

// countMassCancel counts a mass cancel of owner on side (UNSPECIFIED:
// both) of market marketID (0: every market) against its queued count: as
// many cancels as it has live orders there in the book.
func (k Keeper) countMassCancel(ctx context.Context, ownerID, marketID uint64, side types.Side) error {
	k.mem.mu.Lock()
	if err := k.ensureLoaded(ctx); err != nil {
		k.mem.mu.Unlock()
		return err
	}
	engSide := types.EngineSide(side)
	counts := map[uint64]int64{}
	var markets []uint64
	for id, b := range k.mem.books {
		if b == nil || marketID != 0 && id != marketID {
			continue
		}
		n := int64(0)
		b.OwnerOrders(matching.OwnerID(ownerID), func(o matching.Order) bool {
			if engSide == matching.SideNone || o.Side == engSide {
				n++
			}
			return true
		})
		if n > 0 {
			counts[id] = n
			markets = append(markets, id)
		}
	}
	k.mem.mu.Unlock()
	slices.Sort(markets) // store writes in a fixed order
	for _, id := range markets {
		if err := k.addQueuedCount(ctx, ownerID, id, -counts[id]); err != nil {
			return err
		}
	}
	return nil
}

// bookOwnerCount returns owner's live orders in market id's book.
func (k Keeper) bookOwnerCount(ctx context.Context, marketID, ownerID uint64) (int, error) {
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	if err := k.ensureLoaded(ctx); err != nil {
		return 0, err
	}
	b := k.mem.books[marketID]
	if b == nil {
		return 0, nil
	}
	return b.OwnerCount(matching.OwnerID(ownerID)), nil
}

// hasOrders reports whether owner has an order a mass cancel of market
// marketID (0: every market) on side (UNSPECIFIED: both) would cancel: live
// in a book (resting or stop), placed earlier this block, or carried over.
func (k Keeper) hasOrders(ctx context.Context, ownerID, marketID uint64, side types.Side) (bool, error) {
	match := func(market uint64, s types.Side) bool {
		return (marketID == 0 || market == marketID) && (side == types.Side_SIDE_UNSPECIFIED || s == side)
	}
	found := false
	if err := k.QueueIDs.Walk(ctx, nil, func(_ uint64, c types.QueuedCommand) (bool, error) {
		found = c.Order.OwnerId == ownerID && match(c.MarketId, c.Order.Side)
		return found, nil
	}); err != nil {
		return false, err
	}
	if found {
		return true, nil
	}
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	if err := k.ensureLoaded(ctx); err != nil {
		return false, err
	}
	k.carriedOf(ownerID, func(c *types.QueuedCommand) bool { // a yes or no: order does not matter
		found = match(c.MarketId, c.Order.Side)
		return found
	})
	if found {
		return true, nil
	}
	engSide := types.EngineSide(side)
	check := func(b *matching.Book) {
		if b == nil {
			return
		}
		b.OwnerOrders(matching.OwnerID(ownerID), func(o matching.Order) bool {
			found = engSide == matching.SideNone || o.Side == engSide
			return !found
		})
	}
	if marketID != 0 {
		check(k.mem.books[marketID])
		return found, nil
	}
	err := k.Markets.Walk(ctx, nil, func(id uint64, _ types.Market) (bool, error) {
		check(k.mem.books[id])
		return found, nil
	})
	return found, err
}

// batchCredit is what a batch's cancels will release, per denom, for its
// places, and the orders it cancelled (each counts once).
type batchCredit struct {
	amounts   map[string]sdkmath.Int
	cancelled map[uint64]bool
	cache     *msgCache // what the message reads once (nil: read per order)
}

func newBatchCredit() batchCredit {
	return batchCredit{amounts: map[string]sdkmath.Int{}, cancelled: map[uint64]bool{}, cache: newMsgCache()}
}

func (c batchCredit) add(denom string, amt sdkmath.Int) {
	if v, ok := c.amounts[denom]; ok {
		amt = amt.Add(v)
	}
	c.amounts[denom] = amt
}

// lockFromCredit locks amt of denom for an order: from credit first (a
// batch's cancels; drawn from free balance when EndBlock runs the order),
// the rest from free balance now. It returns what it locked now.
func (k Keeper) lockFromCredit(ctx context.Context, owner sdk.AccAddress, denom string, amt sdkmath.Int, credit batchCredit) (sdkmath.Int, error) {
	var deferred sdkmath.Int
	if credit.amounts != nil {
		if c, ok := credit.amounts[denom]; ok && c.IsPositive() {
			deferred = sdkmath.MinInt(c, amt)
		}
	}
	now := amt
	if !deferred.IsNil() {
		now = amt.Sub(deferred)
	}
	if err := k.lockFunds(ctx, owner, denom, now); err != nil {
		return now, err
	}
	if !deferred.IsNil() {
		credit.amounts[denom] = credit.amounts[denom].Sub(deferred)
	}
	return now, nil
}

// Batch runs cancels then places, at most max_batch_size. The locks of the
// orders it cancels fund its places. Atomic: any refusal fails the batch
// (an error); best effort: each item runs on its own cache, a refused one
// leaves no trace and is reported in its result. It returns the place ids
// (0 for a refused place) and one result per item, cancels first.
func (k Keeper) Batch(ctx context.Context, owner sdk.AccAddress, cancels []types.CancelSpec, places []types.OrderSpec, bestEffort bool) ([]uint64, []types.BatchItemResult, error) {
	p := k.GetParams(ctx)
	if n := len(cancels) + len(places); n > int(p.MaxBatchSize) {
		return nil, nil, errorsmod.Wrapf(types.ErrBatchTooLarge, "%d commands > max_batch_size %d", n, p.MaxBatchSize)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	credit := newBatchCredit()
	results := make([]types.BatchItemResult, 0, len(cancels)+len(places))
	// item runs fn, on its own cache in best effort mode.
	item := func(fn func(ctx context.Context) (uint64, error)) (uint64, error) {
		if !bestEffort {
			return fn(ctx)
		}
		cache, write := sdkCtx.CacheContext()
		id, err := fn(cache)
		if err == nil {
			write()
		}
		return id, err
	}
	refused := func(err error) types.BatchItemResult {
		space, code, log := errorsmod.ABCIInfo(err, false)
		return types.BatchItemResult{Code: code, Codespace: space, Log: log, Reason: types.ErrorReason(err)}
	}
	for i, c := range cancels {
		id, err := item(func(ctx context.Context) (uint64, error) {
			id, _, err := k.cancelOrder(ctx, owner, c.MarketId, c.OrderId, c.ClientOrderId, credit)
			return id, err
		})
		if err != nil {
			if !bestEffort {
				return nil, nil, errorsmod.Wrapf(err, "cancel %d", i)
			}
			results = append(results, refused(err))
			continue
		}
		results = append(results, types.BatchItemResult{OrderId: id})
	}
	ids := make([]uint64, 0, len(places))
	for i, s := range places {
		var saved map[string]sdkmath.Int
		if bestEffort {
			saved = make(map[string]sdkmath.Int, len(credit.amounts))
			for d, v := range credit.amounts { // a copy: no order leaks
				saved[d] = v
			}
		}
		id, err := item(func(ctx context.Context) (uint64, error) { return k.placeOrder(ctx, owner, s, credit) })
		if err != nil {
			if !bestEffort {
				return nil, nil, errorsmod.Wrapf(err, "place %d", i)
			}
			credit.amounts = saved
			ids = append(ids, 0)
			results = append(results, refused(err))
			continue
		}
		ids = append(ids, id)
		results = append(results, types.BatchItemResult{OrderId: id})
	}
	return ids, results, nil
}
