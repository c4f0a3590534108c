package keeper_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/testutil"
)

// dataShares creates a data-asset denom administered by issuer (standing in
// for the data-asset contract: the tracking predicate names it a contract)
// and mints 100 to it; escrow stands in for x/exchange's module account.
func dataShares(t *testing.T) (f fixture, denom string, escrow sdk.AccAddress) {
	ff, m, gc := setup(t)
	escrow = authtypes.NewModuleAddress("exchange")
	ff.Assets.SetMoveTracking(func(_ context.Context, a sdk.AccAddress) bool { return a.Equals(issuer) },
		[]sdk.AccAddress{authtypes.NewModuleAddress(types.ModuleName), escrow})
	res, err := m.CreateAsset(ff.Ctx, &types.MsgCreateAsset{
		Issuer: issuer.String(), Symbol: "dsa", Name: "Dataset shares", Class: types.ClassDataAsset, SupplyCap: sdkmath.NewInt(1000),
	})
	require.NoError(t, err)
	_, err = m.Mint(ff.Ctx, &types.MsgMint{Admin: issuer.String(), Denom: res.Denom, Amount: sdkmath.NewInt(100), Recipient: issuer.String()})
	require.NoError(t, err)
	return fixture{ff, gc}, res.Denom, escrow
}

type fixture struct {
	*testutil.Fixture
	gc string
}

func TestShareMoves_QueuedForTheAdministeringContract(t *testing.T) {
	f, denom, escrow := dataShares(t)
	send := func(from, to sdk.AccAddress, d string, n int64) {
		t.Helper()
		require.NoError(t, f.Bank.SendCoins(f.Ctx, from, to, sdk.NewCoins(sdk.NewInt64Coin(d, n))))
	}
	send(issuer, holder, denom, 10)
	send(holder, escrow, denom, 4) // an exchange deposit
	send(escrow, holder, denom, 1) // a withdrawal
	send(issuer, holder, f.gc, 5)  // a green credit: not a data asset, not queued

	moves, more, err := f.Assets.PendingMoves(f.Ctx, issuer.String(), 0, 0)
	require.NoError(t, err)
	require.False(t, more)
	want := []types.ShareMove{
		{Seq: 1, Denom: denom, From: "", To: issuer.String(), Amount: sdkmath.NewInt(100)}, // the mint
		{Seq: 2, Denom: denom, From: issuer.String(), To: holder.String(), Amount: sdkmath.NewInt(10)},
		{Seq: 3, Denom: denom, From: holder.String(), To: "", Amount: sdkmath.NewInt(4)},
		{Seq: 4, Denom: denom, From: "", To: holder.String(), Amount: sdkmath.NewInt(1)},
	}
	for i := range want {
		want[i].Height = uint64(f.Ctx.BlockHeight())
	}
	require.Equal(t, want, moves)

	// An admin that is no contract gets no queue: its moves are in the
	// bank events.
	f.Assets.SetMoveTracking(func(context.Context, sdk.AccAddress) bool { return false }, nil)
	send(issuer, holder, denom, 1)
	moves, _, err = f.Assets.PendingMoves(f.Ctx, issuer.String(), 4, 0)
	require.NoError(t, err)
	require.Empty(t, moves)
}

// A contract pulls its queue a page at a time and drops at most
// MaxMovesAcked entries per acknowledgement, whatever it asks: no message
// can make the work unbounded.
func TestShareMoves_PagesAndBoundedAcks(t *testing.T) {
	f, denom, _ := dataShares(t)
	for i := 0; i < 250; i++ {
		from, to := issuer, holder
		if i%2 == 1 {
			from, to = holder, issuer
		}
		require.NoError(t, f.Bank.SendCoins(f.Ctx, from, to, sdk.NewCoins(sdk.NewInt64Coin(denom, 1))))
	}
	page, more, err := f.Assets.PendingMoves(f.Ctx, issuer.String(), 0, 1000)
	require.NoError(t, err)
	require.True(t, more)
	require.Len(t, page, types.MaxMovesPage)
	page, more, err = f.Assets.PendingMoves(f.Ctx, issuer.String(), 200, 100)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, page, 51) // 251 moves: the mint and 250 sends

	n, err := f.Assets.AckMoves(f.Ctx, issuer.String(), math.MaxUint64)
	require.NoError(t, err)
	require.Equal(t, types.MaxMovesAcked, n)
	n, err = f.Assets.AckMoves(f.Ctx, holder.String(), math.MaxUint64)
	require.NoError(t, err)
	require.Zero(t, n, "an acknowledgement drops only the caller's own queue")
	page, _, err = f.Assets.PendingMoves(f.Ctx, issuer.String(), 0, 0)
	require.NoError(t, err)
	require.Len(t, page, 51)
	require.Equal(t, uint64(201), page[0].Seq)
	n, err = f.Assets.AckMoves(f.Ctx, issuer.String(), 210)
	require.NoError(t, err)
	require.Equal(t, 10, n)
}

// Genesis keeps the share-move queue: export in the middle of a queue
// (some moves acknowledged, some pending), import into a state without the
// queue, and the next blocks — more sends, pages, acknowledgements — give
// the same moves, sequences and state as on the chain that never stopped.
// Failed before this change: the queue was not exported, so after import
// the pending moves were lost and new moves restarted at sequence 1.
func TestShareMoves_GenesisExportMidQueueNextBlocksIdentical(t *testing.T) {
	f, denom, escrow := dataShares(t)
	send := func(ctx sdk.Context, from, to sdk.AccAddress, n int64) {
		t.Helper()
		require.NoError(t, f.Bank.SendCoins(ctx, from, to, sdk.NewCoins(sdk.NewInt64Coin(denom, n))))
	}
	for i := 0; i < 30; i++ {
		send(f.Ctx, issuer, holder, 1)
	}
	send(f.Ctx, holder, escrow, 5)
	_, err := f.Assets.AckMoves(f.Ctx, issuer.String(), 12)
	require.NoError(t, err)
	gs, err := f.Assets.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())

	// The next blocks: what a contract sees and what the store ends as.
	next := func(ctx sdk.Context) (seen [][]types.ShareMove, end *types.GenesisState) {
		for h := int64(1); h <= 3; h++ {
			ctx = ctx.WithBlockHeight(f.Ctx.BlockHeight() + h)
			send(ctx, issuer, holder, h)
			send(ctx, escrow, holder, 1)
			page, _, err := f.Assets.PendingMoves(ctx, issuer.String(), 0, 5)
			require.NoError(t, err)
			seen = append(seen, page)
			_, err = f.Assets.AckMoves(ctx, issuer.String(), page[len(page)-1].Seq)
			require.NoError(t, err)
		}
		last, err := f.Assets.LastMoveSeq(ctx, issuer.String())
		require.NoError(t, err)
		require.Equal(t, uint64(1+30+1+6), last)
		end, err = f.Assets.ExportGenesis(ctx)
		require.NoError(t, err)
		return seen, end
	}
	live, _ := f.Ctx.CacheContext()
	wantSeen, wantEnd := next(live)

	// The imported chain: the module's state dropped, then genesis loaded.
	imported, _ := f.Ctx.CacheContext()
	require.NoError(t, f.Assets.Moves.Clear(imported, nil))
	require.NoError(t, f.Assets.MoveSeq.Clear(imported, nil))
	require.NoError(t, f.Assets.Assets.Clear(imported, nil))
	require.NoError(t, f.Assets.InitGenesis(imported, gs))
	again, err := f.Assets.ExportGenesis(imported)
	require.NoError(t, err)
	require.Equal(t, gs, again, "import then export is the identity")
	gotSeen, gotEnd := next(imported)
	require.Equal(t, wantSeen, gotSeen)
	require.Equal(t, wantEnd, gotEnd)
	require.NotEmpty(t, wantEnd.Moves, "the end state still has a queue")
}

// Genesis validation refuses a queue that could not have been built: a
// move above its admin's sequence, a duplicate, a non-positive amount, a
// malformed admin.
func TestShareMoves_GenesisValidateRefusesBrokenQueues(t *testing.T) {
	a := issuer.String()
	mv := func(admin string, seq uint64, amt int64) types.GenesisShareMove {
		return types.GenesisShareMove{Admin: admin, Seq: seq, Denom: "asset/" + a + "/dsa", From: "", To: a, Amount: sdkmath.NewInt(amt)}
	}
	ok := types.GenesisState{Moves: []types.GenesisShareMove{mv(a, 2, 1), mv(a, 3, 1)}, MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 3}}}
	require.NoError(t, ok.Validate())
	for name, gs := range map[string]types.GenesisState{
		"move above the sequence": {Moves: []types.GenesisShareMove{mv(a, 4, 1)}, MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 3}}},
		"no sequence":             {Moves: []types.GenesisShareMove{mv(a, 1, 1)}},
		"duplicate move":          {Moves: []types.GenesisShareMove{mv(a, 2, 1), mv(a, 2, 1)}, MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 3}}},
		"zero amount":             {Moves: []types.GenesisShareMove{mv(a, 2, 0)}, MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 3}}},
		"bad admin":               {Moves: []types.GenesisShareMove{mv("x", 2, 1)}, MoveSeqs: []types.GenesisMoveSeq{{Admin: "x", Seq: 3}}},
		"duplicate sequence":      {MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 3}, {Admin: a, Seq: 4}}},
		"zero sequence":           {MoveSeqs: []types.GenesisMoveSeq{{Admin: a, Seq: 0}}},
	} {
		require.Error(t, gs.Validate(), name)
	}
}
