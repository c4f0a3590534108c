package keeper

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	corestore "cosmossdk.io/core/store"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// GetBalance returns addr's exchange balance in denom (zero if none).
func (k Keeper) GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) (types.Balance, error) {
	b, err := k.Balances.Get(ctx, collections.Join(addr, denom))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Balance{Free: sdkmath.ZeroInt(), Locked: sdkmath.ZeroInt()}, nil
	}
	return b, err
}

func (k Keeper) setBalance(ctx context.Context, addr sdk.AccAddress, denom string, b types.Balance) error {
	key := collections.Join(addr, denom)
	if b.Free.IsZero() && b.Locked.IsZero() {
		return k.Balances.Remove(ctx, key)
	}
	return k.Balances.Set(ctx, key, b)
}

// checkFunding asks compliance whether addr may move denom between the bank
// and the exchange (a valid licence with a trading role, no freeze, the
// denom's eligibility rule) and refuses a paused denom.
func (k Keeper) checkFunding(ctx context.Context, addr sdk.AccAddress, denom, what string) error {
	if k.isPaused(ctx, denom) {
		return errorsmod.Wrapf(types.ErrAssetPaused, "%s %s: paused by its issuer", what, denom)
	}
	if k.compliance == nil {
		return nil
	}
	if err := k.compliance.CheckTrade(ctx, addr, "", denom); err != nil {
		return errorsmod.Wrapf(types.ErrIneligible, "%s %s by %s: %v", what, denom, addr, err)
	}
	return nil
}

// Deposit moves amt from addr's bank balance into its free exchange balance.
// Compliance is asked here, not only in the ante gate.
func (k Keeper) Deposit(ctx context.Context, addr sdk.AccAddress, amt sdk.Coin) error {
	if err := amt.Validate(); err != nil || !amt.Amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "deposit %s", amt)
	}
	if err := k.checkFunding(ctx, addr, amt.Denom, "deposit"); err != nil {
		return err
	}
	if err := k.bank.SendCoinsFromAccountToModule(ctx, addr, types.ModuleName, sdk.NewCoins(amt)); err != nil {
		return errorsmod.Wrapf(err, "deposit %s", amt)
	}
	b, err := k.GetBalance(ctx, addr, amt.Denom)
	if err != nil {
		return err
	}
	b.Free = b.Free.Add(amt.Amount)
	return k.setBalance(ctx, addr, amt.Denom, b)
}

// Withdraw moves amt of addr's free exchange balance back to its bank balance.
// Compliance is asked here, not only in the ante gate; a paused denom stays.
func (k Keeper) Withdraw(ctx context.Context, addr sdk.AccAddress, amt sdk.Coin) error {
	if err := amt.Validate(); err != nil || !amt.Amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "withdraw %s", amt)
	}
	if err := k.checkFunding(ctx, addr, amt.Denom, "withdraw"); err != nil {
		return err
	}
	b, err := k.GetBalance(ctx, addr, amt.Denom)
	if err != nil {
		return err
	}
	if b.Free.LT(amt.Amount) {
		return errorsmod.Wrapf(types.ErrInsufficientBalance, "withdraw %s: free %s", amt, b.Free)
	}
	b.Free = b.Free.Sub(amt.Amount)
	if err := k.setBalance(ctx, addr, amt.Denom, b); err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, sdk.NewCoins(amt))
}

// lockFunds moves amt from free to locked (DeliverTx).
func (k Keeper) lockFunds(ctx context.Context, addr sdk.AccAddress, denom string, amt sdkmath.Int) error {
	b, err := k.GetBalance(ctx, addr, denom)
	if err != nil {
		return err
	}
	if b.Free.LT(amt) {
		return errorsmod.Wrapf(types.ErrInsufficientBalance, "need %s%s, free %s%s", amt, denom, b.Free, denom)
	}
	b.Free = b.Free.Sub(amt)
	b.Locked = b.Locked.Add(amt)
	return k.setBalance(ctx, addr, denom, b)
}

// ledger is EndBlock's balance cache: every (owner, denom) touched in the
// block is read once, changed in memory with big.Int arithmetic, and written
// back once, in key order, and only if it changed. Its entries and their
// big.Ints are reused from block to block (the keeper keeps one ledger), so
// steady-state settlement does not allocate.
type ledger struct {
	k       Keeper
	kv      corestore.KVStore // the block's store, opened once
	arena   []byte            // encoded balances handed to the store
	denoms  []string          // denomID -> denom
	denomIx map[string]denomID
	index   map[ledgerKey]*ledgerEntry
	chunks  [][]ledgerEntry // entry pool: chunks never move, pointers stay valid
	n       int             // entries in use
	fees    []big.Int       // by denomID
	sorted  []*ledgerEntry
}

// denomID numbers the denoms a block's ledger touched.
type denomID uint32

type ledgerKey struct {
	owner uint64
	denom denomID
}

type ledgerEntry struct {
	key          []byte // store key
	addr         sdk.AccAddress
	denom        denomID
	free, locked big.Int
	free0, lock0 big.Int // as read
}

const ledgerChunk = 1024

// ledger returns the keeper's ledger, emptied for a new block (EndBlock,
// under mem.mu).
func (k Keeper) ledger(ctx context.Context) *ledger {
	l := k.mem.led
	if l == nil {
		l = &ledger{denomIx: map[string]denomID{}, index: make(map[ledgerKey]*ledgerEntry, ledgerChunk)}
		k.mem.led = l
	}
	l.k = k
	l.kv = k.storeService.OpenKVStore(ctx)
	l.denoms = l.denoms[:0]
	clear(l.denomIx)
	clear(l.index)
	for i := range l.fees {
		l.fees[i].SetInt64(0)
	}
	l.n = 0
	return l
}

// denom returns the id of denom in this block's ledger.
func (l *ledger) denom(d string) denomID {
	if id, ok := l.denomIx[d]; ok {
		return id
	}
	id := denomID(len(l.denoms))
	l.denoms = append(l.denoms, d)
	l.denomIx[d] = id
	if len(l.fees) < len(l.denoms) {
		l.fees = append(l.fees, big.Int{})
	}
	return id
}

func (l *ledger) entry(ctx context.Context, owner uint64, denom denomID) (*ledgerEntry, error) {
	key := ledgerKey{owner, denom}
	if e, ok := l.index[key]; ok {
		return e, nil
	}
	oi, err := l.k.ownerInfo(ctx, owner)
	if err != nil {
		return nil, err
	}
	// The raw store, as the Balances map would read it (same key, same
	// BalanceValue encoding), into the entry's reused big.Ints.
	skey, err := collections.EncodeKeyWithPrefix(types.BalancesKey, l.k.Balances.KeyCodec(), collections.Join(oi.addr, l.denoms[denom]))
	if err != nil {
		return nil, err
	}
	bz, err := l.kv.Get(skey)
	if err != nil {
		return nil, err
	}
	c := l.n / ledgerChunk
	if c == len(l.chunks) {
		l.chunks = append(l.chunks, make([]ledgerEntry, ledgerChunk))
	}
	e := &l.chunks[c][l.n%ledgerChunk]
	e.key, e.addr, e.denom = skey, oi.addr, denom
	if bz == nil {
		e.free.SetInt64(0)
		e.locked.SetInt64(0)
	} else if err := types.DecodeBalance(bz, &e.free, &e.locked); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvariant, "balance %s %s: %v", oi.addr, l.denoms[denom], err)
	}
	l.n++
	e.free0.Set(&e.free)
	e.lock0.Set(&e.locked)
	l.index[key] = e
	return e, nil
}

func (l *ledger) addFee(denom denomID, amt *big.Int) {
	l.fees[denom].Add(&l.fees[denom], amt)
}

// flush writes the changed balances in (address, denom) order and pays the
// block's fees to the fee collector, one bank transfer per denom.
func (l *ledger) flush(ctx context.Context) error {
	keys := l.sorted[:0]
	for i := 0; i < l.n; i++ {
		e := &l.chunks[i/ledgerChunk][i%ledgerChunk]
		if e.free.Cmp(&e.free0) != 0 || e.locked.Cmp(&e.lock0) != 0 {
			keys = append(keys, e)
		}
	}
	denoms := l.denoms
	slices.SortFunc(keys, func(a, b *ledgerEntry) int {
		if c := bytes.Compare(a.addr, b.addr); c != 0 {
			return c
		}
		return strings.Compare(denoms[a.denom], denoms[b.denom])
	})
	for _, e := range keys {
		if e.free.Sign() < 0 || e.locked.Sign() < 0 {
			return errorsmod.Wrapf(types.ErrInvariant, "negative balance %s %s", e.addr, denoms[e.denom])
		}
		if e.free.Sign() == 0 && e.locked.Sign() == 0 { // as setBalance: no key for a zero balance
			if err := l.kv.Delete(e.key); err != nil {
				return err
			}
			continue
		}
		// Values go to the store, which keeps them: an append-only arena.
		if cap(l.arena)-len(l.arena) < 1+2*33 {
			l.arena = make([]byte, 0, 64<<10)
		}
		a, err := types.AppendAmount(append(l.arena, types.EncodingVersion), &e.free)
		if err == nil {
			a, err = types.AppendAmount(a, &e.locked)
		}
		if err != nil {
			return errorsmod.Wrapf(types.ErrInvariant, "balance %s %s: %v", e.addr, denoms[e.denom], err)
		}
		v := a[len(l.arena):len(a):len(a)]
		l.arena = a[len(a):]
		if err := l.kv.Set(e.key, v); err != nil {
			return err
		}
	}
	clear(keys)
	l.sorted = keys[:0]
	l.kv = nil // do not keep the block's store beyond its EndBlock
	order := make([]denomID, 0, len(denoms))
	for d := range denoms {
		if l.fees[d].Sign() > 0 {
			order = append(order, denomID(d))
		}
	}
	slices.SortFunc(order, func(a, b denomID) int { return strings.Compare(denoms[a], denoms[b]) })
	for _, d := range order {
		if err := l.k.payFees(ctx, denoms[d], sdkmath.NewIntFromBigInt(&l.fees[d])); err != nil {
			return err
		}
	}
	return nil
}

// payFees accrues the block's fees in denom to the fee account's exchange
// balance (a ledger write that nothing a participant does can refuse), then
// sweeps that whole balance to the fee collector's bank balance when denom
// is neither restricted nor paused. The sweep runs on a cache of the block's
// state and is committed only if the bank accepts it: a refusal (a pause, a
// send restriction) is logged and leaves the fees in the exchange ledger for
// a later block. Restricted denoms are never swept: they stay in the ledger
// (never reaching the fee collector and distribution).
func (k Keeper) payFees(ctx context.Context, denom string, amt sdkmath.Int) error {
	b, err := k.GetBalance(ctx, k.feeAddr, denom)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvariant, "fee balance %s: %v", denom, err)
	}
	b.Free = b.Free.Add(amt)
	if !k.isRestricted(ctx, denom) && !k.isPaused(ctx, denom) {
		sdkCtx := sdk.UnwrapSDKContext(ctx)
		cache, write := sdkCtx.CacheContext()
		coins := sdk.NewCoins(sdk.NewCoin(denom, b.Free))
		if err := k.bank.SendCoinsFromModuleToModule(cache, types.ModuleName, k.feeCollector, coins); err != nil {
			sdkCtx.Logger().Info("exchange: fees kept in the exchange ledger", "denom", denom, "amount", b.Free.String(), "err", err.Error())
		} else {
			write()
			b.Free = sdkmath.ZeroInt()
		}
	}
	return k.setBalance(ctx, k.feeAddr, denom, b)
}

// Funding of queued places and modifies in EndBlock. A tx locks what it can
// (QueuedCommand.prelocked: a replace its net increase, a batch's place what
// free balance covers beyond the batch's cancels); when the command runs,
// the order's lock becomes exactly the lock of its accepted terms, the
// difference moving from (or back to) free balance. admit checks first that
// free balance covers it, so EndBlock never overdraws; a command it refuses
// is rejected with reason insufficient-balance and gives its prelocked back.

// hasPrelocked reports whether c carries its prelocked amount; without it
// the tx locked the full lock of the command's terms.
func hasPrelocked(c *types.QueuedCommand) bool {
	return c.Prelocked != nil && !c.Prelocked.IsNil()
}

// cmdPrelocked sets dst to what the tx locked for place or modify c: its
// prelocked amount, or for a command queued before that field existed the
// full lock of its terms.
func (r *marketRun) cmdPrelocked(dst *big.Int, c *types.QueuedCommand) *big.Int {
	if hasPrelocked(c) {
		return dst.Set(c.Prelocked.BigIntMut())
	}
	o := &c.Order
	r.t.lock(dst, types.EngineSide(o.Side), matching.Price(o.Price), matching.Qty(o.Quantity))
	return dst
}

// lockDenom is the ledger denom an order of side s locks.
func (r *marketRun) lockDenom(s matching.Side) denomID {
	if s == matching.Buy {
		return r.quoteDenom
	}
	return r.baseDenom
}

// admit returns why a place or modify may not run now, or "": a place whose
// client order id the owner already uses for a live order
// (duplicate-client-id), or a command whose lock free balance cannot
// complete (insufficient-balance).
func (r *marketRun) admit(c *types.QueuedCommand) string {
	o := &c.Order
	side := types.EngineSide(o.Side)
	need := &r.fund[0]
	if c.Kind == types.CommandKind_COMMAND_KIND_PLACE {
		if o.ClientOrderId != "" {
			if _, dup := r.k.mem.byClient[clientKey{o.OwnerId, o.ClientOrderId}]; dup {
				return types.ReasonTextDuplicateClientID
			}
		}
		if !hasPrelocked(c) {
			// The tx locked the order's full lock (cmdPrelocked is
			// lock(price, quantity)): nothing to draw from free balance.
			return ""
		}
		r.t.lock(need, side, matching.Price(o.Price), matching.Qty(o.Quantity))
	} else {
		cur, ok := r.book.Order(matching.OrderID(o.Id))
		q := r.openQty(o)
		if !ok || uint64(cur.Owner) != o.OwnerId || q == 0 {
			return "" // the engine refuses it, or it is a cancel
		}
		r.t.lock(need, side, matching.Price(o.Price), matching.Qty(q))
		r.t.lock(&r.fund[1], cur.Side, cur.Price, cur.Qty)
		need.Sub(need, &r.fund[1])
	}
	need.Sub(need, r.cmdPrelocked(&r.fund[2], c))
	if need.Sign() <= 0 {
		return ""
	}
	e, err := r.led.entry(r.gctx, o.OwnerId, r.lockDenom(side))
	if err != nil {
		r.fail(err)
		return ""
	}
	if e.free.Cmp(need) < 0 {
		return types.ReasonTextInsufficientBalance
	}
	return ""
}

// settleLock makes the lock of place or modify c, accepted with e's terms,
// exactly lock(e.Price, e.Qty): the tx locked prelocked, the difference
// moves from free (admit checked it is there) or back to it.
func (r *marketRun) settleLock(c *types.QueuedCommand, e *matching.Event) {
	if o := &c.Order; !hasPrelocked(c) && e.Side == types.EngineSide(o.Side) &&
		int64(e.Price) == o.Price && uint64(e.Qty) == o.Quantity {
		return // accepted on its own terms: the tx locked exactly their lock
	}
	adj, _ := r.t.lock(&r.fund[0], e.Side, e.Price, e.Qty)
	adj.Sub(adj, r.cmdPrelocked(&r.fund[2], c))
	if adj.Sign() == 0 {
		return
	}
	en, err := r.led.entry(r.gctx, c.Order.OwnerId, r.lockDenom(e.Side))
	if err != nil {
		r.fail(err)
		return
	}
	en.free.Sub(&en.free, adj)
	en.locked.Add(&en.locked, adj)
}

// releasePrelocked gives back what the tx locked for place or modify c
// (refused, or a modify that only reduced or changed nothing).
func (r *marketRun) releasePrelocked(c *types.QueuedCommand) {
	amt := r.cmdPrelocked(&r.fund[2], c)
	if amt.Sign() == 0 {
		return
	}
	en, err := r.led.entry(r.gctx, c.Order.OwnerId, r.lockDenom(types.EngineSide(c.Order.Side)))
	if err != nil {
		r.fail(err)
		return
	}
	en.locked.Sub(&en.locked, amt)
	en.free.Add(&en.free, amt)
}
