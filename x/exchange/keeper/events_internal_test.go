package keeper

import (
	"maps"
	"math"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestArenaEventsEqualTypedEvents: the per-order events EndBlock builds
// from the arena (cancelled, expired, triggered, rejected) are exactly what
// sdk.TypedEventToEvent gives for the typed message, for small, large and
// negative numbers and every reason text, and values handed out earlier are
// never overwritten by later ones (the arena only appends).
func TestArenaEventsEqualTypedEvents(t *testing.T) {
	k := Keeper{mem: newMemState()}
	owner := "clear1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"
	type pair struct {
		got  func(sdk.Context)
		want proto.Message
	}
	var cases []pair
	nums := []uint64{0, 7, 99, 100, 123456789, math.MaxUint64}
	for i, n := range nums {
		cid := []string{"", "mm-1", "a.b_c-9", "x"}[i%4]
		for _, reason := range append(slices.Sorted(maps.Keys(types.ReasonTexts())), "unknown reason") {
			cases = append(cases,
				pair{func(ctx sdk.Context) {
					k.emitOrderCancelled(ctx, n, n+1, owner, n/2, n, n/3, reason, cid)
				}, &types.EventOrderCancelled{OrderId: n, MarketId: n + 1, Owner: owner, EntityId: n / 2, Quantity: n,
					Remaining: n / 3, Reason: reason, ReasonCode: types.ReasonCode(reason), ClientOrderId: cid}},
				pair{func(ctx sdk.Context) { k.emitOrderRejected(ctx, n, 2, owner, n, reason, cid) },
					&types.EventOrderRejected{OrderId: n, MarketId: 2, Owner: owner, EntityId: n, Reason: reason,
						ReasonCode: types.ReasonCode(reason), ClientOrderId: cid}})
		}
		ref := int64(n>>1) * []int64{1, -1}[i%2]
		cases = append(cases,
			pair{func(ctx sdk.Context) { k.emitOrderExpired(ctx, n, 3, owner, 5, n, cid) },
				&types.EventOrderExpired{OrderId: n, MarketId: 3, Owner: owner, EntityId: 5, Quantity: n, ClientOrderId: cid}},
			pair{func(ctx sdk.Context) { k.emitOrderTriggered(ctx, n, 4, owner, 6, ref, cid) },
				&types.EventOrderTriggered{OrderId: n, MarketId: 4, Owner: owner, EntityId: 6, ReferencePrice: ref, ClientOrderId: cid}})
	}
	ctx := sdk.Context{}.WithEventManager(sdk.NewEventManager())
	for _, c := range cases {
		c.got(ctx)
	}
	got := ctx.EventManager().Events()
	require.Len(t, got, len(cases))
	for i, c := range cases {
		want, err := sdk.TypedEventToEvent(c.want)
		require.NoError(t, err)
		require.Equal(t, want, got[i], "event %d (%T)", i, c.want)
		_, err = sdk.ParseTypedEvent(abci.Event(got[i]))
		require.NoError(t, err)
	}
}
