package keeper

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// The carry-over queue (README.md, "Carry-over"): the commands EndBlock did
// not reach, in queue order. It is stored as one value per block, not one
// key per command: Carry maps the height of the EndBlock that wrote a value
// to the encoding of its commands (encodeCarry), and the values in key order
// are the queue. A block that carries N commands over writes one value,
// whatever N; the next block reads the values it needs back and writes at
// most one value for what they still hold (and one for its own leftovers),
// removing the others. The index of the carried-over places by order id
// (DeliverTx's cancels, replaces and client-id lookups, the order status
// query) lives in memory (memState.carried), rebuilt from Carry when the
// books load: a pure function of committed state, like the books.

// carryVersion is the version byte of a Carry value.
const carryVersion byte = 1

// encodeCarry appends the Carry value of cmds to dst: the version byte, the
// count (uint32, big-endian), then each command as its length (uint32) and
// its binary encoding (types.AppendCommand).
func encodeCarry(dst []byte, cmds []types.QueuedCommand) ([]byte, error) {
	dst = append(dst, carryVersion)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(cmds)))
	for i := range cmds {
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		if dst, err = types.AppendCommand(dst, &cmds[i]); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// decodeCarry appends the commands of a Carry value to out. Corrupt bytes
// give an error, never a panic.
func decodeCarry(bz []byte, out []types.QueuedCommand) ([]types.QueuedCommand, error) {
	if len(bz) < 5 || bz[0] != carryVersion {
		return out, errorsmod.Wrap(types.ErrBadEncoding, "carry value header")
	}
	n := binary.BigEndian.Uint32(bz[1:])
	bz = bz[5:]
	if uint64(n) > uint64(len(bz))/14 { // a command is at least 4+10 bytes
		return out, errorsmod.Wrapf(types.ErrBadEncoding, "carry value of %d commands in %d bytes", n, len(bz))
	}
	out = slices.Grow(out, int(n))
	for i := uint32(0); i < n; i++ {
		if len(bz) < 4 {
			return out, errorsmod.Wrap(types.ErrBadEncoding, "carry value truncated")
		}
		l := binary.BigEndian.Uint32(bz)
		if uint64(l) > uint64(len(bz)-4) {
			return out, errorsmod.Wrap(types.ErrBadEncoding, "carry value truncated")
		}
		out = append(out, types.QueuedCommand{})
		if err := types.DecodeCommand(bz[4:4+l], &out[len(out)-1]); err != nil {
			return out, err
		}
		bz = bz[4+l:]
	}
	if len(bz) != 0 {
		return out, errorsmod.Wrapf(types.ErrBadEncoding, "%d trailing bytes after a carry value", len(bz))
	}
	return out, nil
}

// setCarry writes the Carry value at key h (removes it when cmds is empty).
func (k Keeper) setCarry(ctx context.Context, h int64, cmds []types.QueuedCommand) error {
	if len(cmds) == 0 {
		return k.Carry.Remove(ctx, h)
	}
	// A fresh buffer: the store keeps the slice it is given.
	bz, err := encodeCarry(make([]byte, 0, 5+len(cmds)*(4+10+64+8)), cmds)
	if err != nil {
		return err
	}
	return k.Carry.Set(ctx, h, bz)
}

// nextCarryKey is the key of a value that follows every stored one: the
// block height, or the last key plus one if that is not larger.
func (k Keeper) nextCarryKey(ctx context.Context, h int64) (int64, error) {
	it, err := k.Carry.Iterate(ctx, new(collections.Range[int64]).Descending())
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if it.Valid() {
		last, err := it.Key()
		if err != nil {
			return 0, err
		}
		if last >= h {
			return last + 1, nil
		}
	}
	return h, nil
}

// CarryQueue is a read-only view of the carry-over queue in order (for
// tests, tools and genesis export): its commands numbered from 0.
type CarryQueue struct {
	carry collections.Map[int64, []byte]
}

// Walk calls fn on each carried-over command in queue order with its
// position, until fn returns true or an error. The ranger must be nil.
func (q CarryQueue) Walk(ctx context.Context, ranger collections.Ranger[uint64], fn func(uint64, types.QueuedCommand) (bool, error)) error {
	if ranger != nil {
		return errors.New("exchange: the carry-over queue is walked whole")
	}
	var n uint64
	var buf []types.QueuedCommand
	return q.carry.Walk(ctx, nil, func(h int64, bz []byte) (bool, error) {
		var err error
		if buf, err = decodeCarry(bz, buf[:0]); err != nil {
			return true, errorsmod.Wrapf(err, "carry value %d", h)
		}
		for _, c := range buf {
			stop, err := fn(n, c)
			if stop || err != nil {
				return true, err
			}
			n++
		}
		return false, nil
	})
}

// loadCarried rebuilds the in-memory index of the carried-over places
// (book load).
func (k Keeper) loadCarried(ctx context.Context) error {
	k.mem.carried, k.mem.carriedBy = map[uint64]types.QueuedCommand{}, map[uint64]map[uint64]struct{}{}
	return k.Pending.Walk(ctx, nil, func(_ uint64, c types.QueuedCommand) (bool, error) {
		k.addCarried(&c)
		return false, nil
	})
}

// addCarried indexes c if it is a place (memState.carried, carriedBy).
func (k Keeper) addCarried(c *types.QueuedCommand) {
	if c.Kind != types.CommandKind_COMMAND_KIND_PLACE {
		return
	}
	k.mem.carried[c.Order.Id] = *c
	ids := k.mem.carriedBy[c.Order.OwnerId]
	if ids == nil {
		ids = map[uint64]struct{}{}
		k.mem.carriedBy[c.Order.OwnerId] = ids
	}
	ids[c.Order.Id] = struct{}{}
}

// delCarried drops c from the index if it is a place.
func (k Keeper) delCarried(c *types.QueuedCommand) {
	if c.Kind != types.CommandKind_COMMAND_KIND_PLACE {
		return
	}
	delete(k.mem.carried, c.Order.Id)
	if ids := k.mem.carriedBy[c.Order.OwnerId]; ids != nil {
		delete(ids, c.Order.Id)
		if len(ids) == 0 {
			delete(k.mem.carriedBy, c.Order.OwnerId)
		}
	}
}

// carriedOf calls fn on each carried-over place of owner, in no particular
// order (callers fold them into an order-independent answer), until fn
// returns true. The caller holds mem.mu.
func (k Keeper) carriedOf(owner uint64, fn func(c *types.QueuedCommand) bool) {
	for id := range k.mem.carriedBy[owner] {
		c := k.mem.carried[id]
		if fn(&c) {
			return
		}
	}
}

// carriedPlace returns the carried-over place of order id. The caller holds
// mem.mu and the books are loaded.
func (k Keeper) carriedPlace(id uint64) (types.QueuedCommand, bool) {
	c, ok := k.mem.carried[id]
	return c, ok
}

// carriedByClientID returns the carried-over place of owner with client
// order id cid (the smallest order id if several: deterministic). The caller
// holds mem.mu.
func (k Keeper) carriedByClientID(owner uint64, cid string) (uint64, bool) {
	var found uint64
	k.carriedOf(owner, func(c *types.QueuedCommand) bool {
		if c.Order.ClientOrderId == cid && (found == 0 || c.Order.Id < found) {
			found = c.Order.Id
		}
		return false
	})
	return found, found != 0
}

// carryRead is what collectCommands read of the carry-over queue: the keys
// of the values it read (ascending), how many of the block's commands came
// from them (the first n), and the tail of the last value it did not
// collect.
type carryRead struct {
	keys []int64
	n    int
	rest []types.QueuedCommand
}

// collectCommands returns up to budget commands: those carried over from
// earlier blocks first, then this block's queue; carry is the rest of this
// block's queue, which carryOver appends to the carry-over queue after the
// markets ran (behind the commands they deferred). The carried-over values
// read stay in the store until carryOver knows which commands ran.
func (k Keeper) collectCommands(ctx context.Context, budget int) (cmds []types.QueuedCommand, cr *carryRead, carry []types.QueuedCommand, err error) {
	cmds = k.mem.cmds[:0]
	cr = &k.mem.eb.carry
	cr.keys, cr.n, cr.rest = cr.keys[:0], 0, cr.rest[:0]
	err = k.Carry.Walk(ctx, nil, func(h int64, bz []byte) (bool, error) {
		if len(cmds) >= budget {
			return true, nil
		}
		cr.keys = append(cr.keys, h)
		var err error
		if cmds, err = decodeCarry(bz, cmds); err != nil {
			return true, errorsmod.Wrapf(err, "carry value %d", h)
		}
		if len(cmds) > budget {
			cr.rest = append(cr.rest, cmds[budget:]...)
			clear(cmds[budget:])
			cmds = cmds[:budget]
		}
		return false, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	cr.n = len(cmds)
	err = k.Queue.Walk(ctx, nil, func(_ uint64, c types.QueuedCommand) (bool, error) {
		if len(cmds) < budget {
			cmds = append(cmds, c)
		} else {
			carry = append(carry, c)
		}
		return false, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return cmds, cr, carry, nil
}

// deferral is a command a market did not run: its position in the block's
// commands and the market (a mass cancel of every market carries over per
// market).
type deferral struct {
	pos    int
	market uint64
}

// carryOver updates the carry-over queue after the markets ran. The queue
// becomes: the collected carried-over commands deferred again, in order,
// then the carried-over commands not collected (the budget ended inside
// them), then this block's deferred commands in arrival order, then carry
// (this block's queue beyond max_orders_per_block). A mass cancel of every
// market becomes one command per market that deferred it (its market id
// set). Store writes: the first value read is rewritten with what the
// values read still hold (untouched when that is all of it, unchanged, so a
// queue held for several blocks costs its decoding only), the other values
// read are removed, and this block's leftovers are one new value after
// every stored one.
func (k Keeper) carryOver(ctx context.Context, h int64, cmds []types.QueuedCommand, cr *carryRead, deferred []deferral, carry []types.QueuedCommand) error {
	slices.SortFunc(deferred, func(a, b deferral) int {
		if a.pos != b.pos {
			return a.pos - b.pos
		}
		return cmp.Compare(a.market, b.market)
	})
	for i := 0; i < cr.n; i++ {
		k.delCarried(&cmds[i])
	}
	head, tail := k.mem.eb.head[:0], k.mem.eb.tail[:0]
	changed := false
	for _, d := range deferred {
		c := cmds[d.pos]
		if c.MarketId == 0 {
			c.MarketId = d.market
			changed = true
		}
		if d.pos < cr.n {
			head = append(head, c)
		} else {
			tail = append(tail, c)
		}
	}
	// The values read are unchanged when every collected command was
	// deferred again, once, as it was.
	changed = changed || len(head) != cr.n || len(cr.keys) != 1
	head = append(head, cr.rest...)
	tail = append(tail, carry...)
	for _, list := range [][]types.QueuedCommand{head, tail} {
		for i := range list {
			k.addCarried(&list[i])
		}
	}
	if len(cr.keys) > 0 && changed {
		if err := k.setCarry(ctx, cr.keys[0], head); err != nil {
			return err
		}
		for _, key := range cr.keys[1:] {
			if err := k.Carry.Remove(ctx, key); err != nil {
				return err
			}
		}
	}
	if len(tail) > 0 {
		key, err := k.nextCarryKey(ctx, h)
		if err != nil {
			return err
		}
		if err := k.setCarry(ctx, key, tail); err != nil {
			return err
		}
	}
	k.mem.eb.head, k.mem.eb.tail = clearCommands(head), clearCommands(tail)
	return nil
}

// dropCarried removes the carried-over commands drop selects from the
// carry-over queue (rewriting the values that held them) and returns them
// in queue order.
func (k Keeper) dropCarried(ctx context.Context, drop func(*types.QueuedCommand) bool) ([]types.QueuedCommand, error) {
	var out, buf, keep []types.QueuedCommand
	type rewrite struct {
		h    int64
		keep []types.QueuedCommand
	}
	var rw []rewrite
	err := k.Carry.Walk(ctx, nil, func(h int64, bz []byte) (bool, error) {
		var err error
		if buf, err = decodeCarry(bz, buf[:0]); err != nil {
			return true, errorsmod.Wrapf(err, "carry value %d", h)
		}
		keep = keep[:0]
		for i := range buf {
			if drop(&buf[i]) {
				out = append(out, buf[i])
			} else {
				keep = append(keep, buf[i])
			}
		}
		if len(keep) != len(buf) {
			rw = append(rw, rewrite{h, slices.Clone(keep)})
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rw {
		if err := k.setCarry(ctx, r.h, r.keep); err != nil {
			return nil, err
		}
	}
	for i := range out {
		k.delCarried(&out[i])
	}
	return out, nil
}
