package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/assets/types"
)

// Share moves: a contract that administers a data-asset denom (the
// data-asset contract's dataset shares) must see every move of its shares —
// bank sends, x/exchange deposits and withdrawals, mints and burns — to keep
// the dataset's provenance and its per-share revenue index right. The send
// restriction below appends each such move to a queue per administering
// contract; the contract pulls the queue (custom query pending_moves) and
// drops what it has applied (custom message ack_moves).
//
// Liveness first: no contract code runs inside a bank send. A send can be
// part of EndBlock (x/exchange's fee sweep) or of any module's transfer, and
// calling a contract there (a sudo "hook") would let a contract that
// fails, panics or burns its gas cap fail or stall that send. Queueing is a
// store write charged to the sender like any other, and it never fails the
// send: an error writing the queue is logged and the move dropped (only a
// broken store can cause one). A contract that never pulls only makes its
// own queue grow, at the senders' expense.

// moveTracking says which admins get a queue (SetMoveTracking).
type moveTracking struct {
	isContract func(context.Context, sdk.AccAddress) bool
	modules    map[string]bool
}

// SetMoveTracking turns the move queue on: isContract says whether an admin
// is a contract (only contracts get a queue: an account admin sees its
// moves in the bank events), and moduleAccounts are the addresses shown as
// "" in a move (minting, burning, x/exchange escrow). Without it no move is
// queued.
func (k Keeper) SetMoveTracking(isContract func(context.Context, sdk.AccAddress) bool, moduleAccounts []sdk.AccAddress) {
	k.tracking.isContract = isContract
	k.tracking.modules = make(map[string]bool, len(moduleAccounts))
	for _, a := range moduleAccounts {
		k.tracking.modules[a.String()] = true
	}
}

// trackedAdmin returns the contract whose queue gets moves of a, if any:
// data-asset denoms administered by a contract.
func (k Keeper) trackedAdmin(ctx context.Context, a types.Asset) (string, bool) {
	if k.tracking.isContract == nil || a.Class != types.ClassDataAsset {
		return "", false
	}
	admin, err := sdk.AccAddressFromBech32(a.Admin)
	if err != nil || !k.tracking.isContract(ctx, admin) {
		return "", false
	}
	return a.Admin, true
}

// party is how a move names addr: "" for a module account.
func (k Keeper) party(addr sdk.AccAddress) string {
	s := addr.String()
	if k.tracking.modules[s] {
		return ""
	}
	return s
}

// movedAsset is one data-asset coin of a send, with its asset record.
type movedAsset struct {
	asset  types.Asset
	amount sdkmath.Int
}

// recordMoves queues the moves from → to for their contracts. It never
// returns an error: a failed write is logged and skipped.
func (k Keeper) recordMoves(ctx context.Context, from, to sdk.AccAddress, moved []movedAsset) {
	for _, m := range moved {
		admin, ok := k.trackedAdmin(ctx, m.asset)
		if !ok {
			continue
		}
		if err := k.queueMove(ctx, admin, m.asset.Denom, k.party(from), k.party(to), m.amount); err != nil {
			sdk.UnwrapSDKContext(ctx).Logger().Error("assets: share move not queued", "denom", m.asset.Denom, "err", err)
		}
	}
}

func (k Keeper) queueMove(ctx context.Context, admin, denom, from, to string, amount sdkmath.Int) error {
	seq, err := k.MoveSeq.Get(ctx, admin)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	seq++
	if err := k.MoveSeq.Set(ctx, admin, seq); err != nil {
		return err
	}
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if h < 0 {
		h = 0
	}
	return k.Moves.Set(ctx, collections.Join(admin, seq), types.ShareMove{
		Seq: seq, Denom: denom, From: from, To: to, Amount: amount, Height: uint64(h),
	})
}

// LastMoveSeq returns the sequence of the last move ever queued for admin
// (0: none).
func (k Keeper) LastMoveSeq(ctx context.Context, admin string) (uint64, error) {
	seq, err := k.MoveSeq.Get(ctx, admin)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return seq, err
}

// PendingMoves returns admin's queued moves after sequence startAfter,
// oldest first, at most limit (capped at types.MaxMovesPage), and whether
// more follow.
func (k Keeper) PendingMoves(ctx context.Context, admin string, startAfter uint64, limit uint32) ([]types.ShareMove, bool, error) {
	if limit == 0 || limit > types.MaxMovesPage {
		limit = types.MaxMovesPage
	}
	rng := collections.NewPrefixedPairRange[string, uint64](admin)
	if startAfter > 0 {
		rng = rng.StartExclusive(startAfter)
	}
	it, err := k.Moves.Iterate(ctx, rng)
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	var out []types.ShareMove
	for ; it.Valid(); it.Next() {
		if len(out) == int(limit) {
			return out, true, nil
		}
		m, err := it.Value()
		if err != nil {
			return nil, false, err
		}
		out = append(out, m)
	}
	return out, false, nil
}

// AckMoves drops admin's queued moves with sequence up to upTo, oldest
// first, at most types.MaxMovesAcked of them, and returns how many it
// dropped.
func (k Keeper) AckMoves(ctx context.Context, admin string, upTo uint64) (int, error) {
	rng := collections.NewPrefixedPairRange[string, uint64](admin).EndInclusive(upTo)
	it, err := k.Moves.Iterate(ctx, rng)
	if err != nil {
		return 0, err
	}
	var keys []collections.Pair[string, uint64]
	for ; it.Valid() && len(keys) < types.MaxMovesAcked; it.Next() {
		key, err := it.Key()
		if err != nil {
			it.Close()
			return 0, err
		}
		keys = append(keys, key)
	}
	it.Close()
	for _, key := range keys {
		if err := k.Moves.Remove(ctx, key); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
