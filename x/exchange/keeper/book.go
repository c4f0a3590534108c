package keeper

import (
	"bytes"
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
	k.mem.books, k.mem.metas, k.mem.clientIDs, k.mem.owners, k.mem.encoded = m.books, m.metas, m.clientIDs, m.owners, m.encoded
	k.mem.byClient, k.mem.filled, k.mem.statusAt, k.mem.statusCID = m.byClient, m.filled, m.statusAt, m.statusCID
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
				k.mem.byClient[clientKey{o.OwnerId, o.ClientOrderId}] = matching.OrderID(o.Id)
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
	if err := k.loadFilled(ctx); err != nil {
		return err
	}
	if err := k.loadStatuses(ctx); err != nil {
		return err
	}
	if err := k.loadCarried(ctx); err != nil {
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

// verifyLevels makes writeBack check every level value it built from a
// delta against a full encoding (tests).
var verifyLevels = false

// writeBack persists the levels of book that changed since its last
// checkpoint (one key per level, in the binary encoding), and its meta if it
// changed. A level whose previous value the keeper still holds is updated
// from the engine's LevelDelta (orders gone from the head, the head's new
// quantity, orders appended) without reading its unchanged orders; others
// are encoded whole. Both give the same bytes. Values are built in an arena:
// the store keeps the slices it is given, so no byte handed out is written
// again.
func (k Keeper) writeBack(ctx context.Context, id uint64, book *matching.Book) error {
	keys := book.DirtyLevels(k.mem.keybuf[:0])
	enc := k.mem.encoded[id]
	if enc == nil {
		enc = map[matching.LevelKey][]byte{}
		k.mem.encoded[id] = enc
	}
	for _, lk := range keys {
		key := types.LevelStoreKey(id, lk)
		d := book.LevelDelta(lk)
		if d.Count == 0 {
			delete(enc, lk)
			if err := k.Levels.Remove(ctx, key); err != nil {
				return err
			}
			continue
		}
		bz, ok := k.encodeDelta(book, lk, d, enc[lk])
		if !ok {
			var err error
			if bz, err = k.encodeLevel(book, lk); err != nil {
				return err
			}
		} else if verifyLevels {
			full, err := k.encodeLevel(book, lk)
			if err != nil {
				return err
			}
			if !bytes.Equal(full, bz) {
				return errorsmod.Wrapf(types.ErrInvariant, "level %+v of market %d: delta encoding differs", lk, id)
			}
		}
		if err := k.Levels.Set(ctx, key, bz); err != nil {
			return err
		}
		enc[lk] = bz
	}
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

// reserve makes room for n more bytes in the arena. A new chunk replaces
// a full one, which the values handed out keep alive.
func (k Keeper) reserve(n int) {
	if cap(k.mem.arena)-len(k.mem.arena) < n {
		k.mem.arena = make([]byte, 0, max(n, 256<<10))
	}
}

// take returns the arena's bytes from start as a value (cap-limited) and
// moves the arena past them.
func (k Keeper) take(start int) []byte {
	a := k.mem.arena
	v := a[start:len(a):len(a)]
	k.mem.arena = a[len(a):]
	return v
}

// encodeLevel encodes level lk whole.
func (k Keeper) encodeLevel(book *matching.Book, lk matching.LevelKey) ([]byte, error) {
	orders := book.LevelOrders(lk, k.mem.lvbuf[:0])
	k.mem.lvbuf = orders[:0]
	k.reserve(levelHeaderLen + len(orders)*typicalRecordLen)
	a := types.AppendLevelHeader(k.mem.arena, len(orders))
	var err error
	for i := range orders {
		o := &orders[i]
		lo := types.LevelOrderFromEngine(*o, k.mem.clientIDs[o.ID])
		if a, err = types.AppendOrder(a, &lo); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvariant, "encoding order %d: %v", o.ID, err)
		}
	}
	k.mem.arena = a
	return k.take(0), nil
}

// encodeDelta builds level lk's value from its previous value old and the
// engine's delta; ok is false when it cannot (no previous value, a delta
// that says to rewrite, or one that does not fit old).
func (k Keeper) encodeDelta(book *matching.Book, lk matching.LevelKey, d matching.LevelDelta, old []byte) ([]byte, bool) {
	if d.Rewrite || old == nil || types.LevelLen(old) != d.OldCount {
		return nil, false
	}
	rest, err := types.SkipOrders(types.LevelRecords(old), d.HeadRemoved)
	if err != nil || (d.HeadChanged && len(rest) == 0) {
		return nil, false
	}
	tail := book.LevelTail(lk, d.Appended, k.mem.lvbuf[:0])
	k.mem.lvbuf = tail[:0]
	if len(tail) != d.Appended {
		return nil, false
	}
	k.reserve(levelHeaderLen + len(rest) + len(tail)*typicalRecordLen)
	a := types.AppendLevelHeader(k.mem.arena, d.Count)
	head := len(a)
	a = append(a, rest...)
	if d.HeadChanged {
		if err := types.SetOrderQuantity(a[head:], uint64(d.HeadQty)); err != nil {
			return nil, false
		}
	}
	for i := range tail {
		o := &tail[i]
		lo := types.LevelOrderFromEngine(*o, k.mem.clientIDs[o.ID])
		if a, err = types.AppendOrder(a, &lo); err != nil {
			return nil, false
		}
	}
	k.mem.arena = a
	return k.take(0), true
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
