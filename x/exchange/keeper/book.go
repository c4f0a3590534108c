package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// errNotLoaded is returned by queries before the books were loaded by a block.
var errNotLoaded = errors.New("exchange: order books not loaded yet (no block since start)")

// ensureLoaded rebuilds the in-memory books from the stored levels on first
// use. Callers hold mem.mu for writing. It must only be called with a
// context of the chain's latest state (a block, never a historical query).
func (k Keeper) ensureLoaded(ctx context.Context) error {
	if k.mem.loaded {
		return nil
	}
	m := newMemState()
	k.mem.books, k.mem.metas, k.mem.clientIDs, k.mem.owners = m.books, m.metas, m.clientIDs, m.owners
	// Books are created for the markets that have stored state; the others
	// get theirs when EndBlock first runs them.
	bookFor := func(id uint64) (*matching.Book, error) {
		if b := k.mem.books[id]; b != nil {
			return b, nil
		}
		mk, err := k.Markets.Get(ctx, id)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvariant, "book state of unknown market %d", id)
		}
		b := newBook(mk, 0)
		k.mem.books[id] = b
		return b, nil
	}
	var cur uint64
	var book *matching.Book
	err := k.Levels.Walk(ctx, nil, func(key collections.Triple[uint64, uint32, int64], bz []byte) (bool, error) {
		if key.K1() != cur || book == nil {
			cur = key.K1()
			var err error
			if book, err = bookFor(cur); err != nil {
				return true, err
			}
		}
		err := types.DecodeLevel(bz, func(o *types.LevelOrder) error {
			if err := book.LoadOrder(o.Engine()); err != nil {
				return errorsmod.Wrapf(types.ErrInvariant, "loading order %d: %v", o.Id, err)
			}
			if o.ClientOrderId != "" {
				k.mem.clientIDs[matching.OrderID(o.Id)] = o.ClientOrderId
			}
			return nil
		})
		if err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "level %v of market %d: %v", key, cur, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	err = k.BookMetas.Walk(ctx, nil, func(id uint64, meta types.BookMeta) (bool, error) {
		b, err := bookFor(id)
		if err != nil {
			return true, err
		}
		if err := b.SetMeta(metaToEngine(meta)); err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "market %d meta: %v", id, err)
		}
		k.mem.metas[id] = meta
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, b := range k.mem.books {
		b.Checkpoint()
	}
	k.mem.loaded = true
	return nil
}

// Sizes of the binary level encoding (types.AppendOrder), to size the
// arena: a record without a client id and with at most two optional fields.
// Longer ones make append grow the arena, which is safe (values already
// handed out keep the old array).
const (
	levelHeaderLen   = 5
	typicalRecordLen = 54 + 2*8
)

func newBook(m types.Market, orders int) *matching.Book {
	mode := matching.Continuous
	if m.IsAuction() {
		mode = matching.Auction
	}
	return matching.NewBook(matching.Config{Mode: mode, InitialOrders: orders, InitialLevels: 256})
}

func metaToEngine(m types.BookMeta) matching.Meta {
	return matching.Meta{LastSeq: m.LastSeq, ExpiredBlock: m.ExpiredBlock, ExpiredTime: m.ExpiredTime,
		RefPrice: matching.Price(m.RefPrice), HasRef: m.HasRef}
}

func metaFromEngine(m matching.Meta) types.BookMeta {
	return types.BookMeta{LastSeq: m.LastSeq, ExpiredBlock: m.ExpiredBlock, ExpiredTime: m.ExpiredTime,
		RefPrice: int64(m.RefPrice), HasRef: m.HasRef}
}

// writeBack persists the levels of book that changed since its last
// checkpoint (one key per level, in the binary encoding), and its meta if it
// changed. The values are encoded into one arena per call: the store keeps
// the slices it is given, so an arena is never reused once handed out.
func (k Keeper) writeBack(ctx context.Context, id uint64, book *matching.Book) error {
	keys := book.DirtyLevels(k.mem.keybuf[:0])
	arena := k.mem.arena[:0]
	var err error
	for _, lk := range keys {
		key := types.LevelStoreKey(id, lk)
		orders := book.LevelOrders(lk, k.mem.lvbuf[:0])
		k.mem.lvbuf = orders[:0]
		if len(orders) == 0 {
			if err := k.Levels.Remove(ctx, key); err != nil {
				return err
			}
			continue
		}
		if need := levelHeaderLen + len(orders)*typicalRecordLen; cap(arena)-len(arena) < need {
			arena = make([]byte, 0, max(need, 2*cap(arena), 64<<10))
		}
		start := len(arena)
		arena = types.AppendLevelHeader(arena, len(orders))
		for i := range orders {
			o := &orders[i]
			lo := types.LevelOrderFromEngine(*o, k.mem.clientIDs[o.ID])
			if arena, err = types.AppendOrder(arena, &lo); err != nil {
				return errorsmod.Wrapf(types.ErrInvariant, "encoding order %d: %v", o.ID, err)
			}
		}
		if err := k.Levels.Set(ctx, key, arena[start:len(arena):len(arena)]); err != nil {
			return err
		}
	}
	// The arena's unused tail serves the next write-back: no value handed to
	// the store (cap-limited) reaches into it.
	k.mem.arena = arena[len(arena):]
	k.mem.keybuf = keys[:0]
	book.Checkpoint()
	meta := metaFromEngine(book.Meta())
	if old, ok := k.mem.metas[id]; !ok || old != meta {
		if err := k.BookMetas.Set(ctx, id, meta); err != nil {
			return err
		}
		k.mem.metas[id] = meta
	}
	return nil
}

// bookOf returns market m's book, creating it on first use (EndBlock only).
func (k Keeper) bookOf(m types.Market) *matching.Book {
	b := k.mem.books[m.Id]
	if b == nil {
		b = newBook(m, 0)
		k.mem.books[m.Id] = b
	}
	return b
}
