package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestMigrate1to2RestoresTheBinaryState writes a live state back in its
// version-1 protobuf form and requires the migration to give back exactly
// the version-2 store.
func TestMigrate1to2RestoresTheBinaryState(t *testing.T) {
	c := newChain(t)
	p := types.DefaultParams()
	p.MaxOrdersPerBlock = 2 // some carried-over commands
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	id := c.createMarket(stdMarket())
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	c.deposit(b, coin("uquote", 1_000_000))
	for i := int64(0); i < 5; i++ {
		c.mustPlace(a, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 100 + i, Quantity: 3, ClientOrderId: fmt.Sprintf("a%d", i)})
		c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 90+i, 2))
	}
	c.endBlock()
	want := c.snapshot()

	kv := c.ctx.KVStore(c.keys[types.StoreKey])
	toV1 := func(prefix []byte, conv func([]byte) []byte) {
		it := storetypes.KVStorePrefixIterator(kv, prefix)
		var keys, vals [][]byte
		for ; it.Valid(); it.Next() {
			keys, vals = append(keys, it.Key()), append(vals, conv(it.Value()))
		}
		require.NoError(t, it.Close())
		require.NotEmpty(t, keys, "prefix %x", prefix)
		for i := range keys {
			kv.Set(keys[i], vals[i])
		}
	}
	cdc := c.enc.Codec
	command := func(bz []byte) []byte {
		cmd, err := types.CommandValue{}.Decode(bz)
		require.NoError(t, err)
		return cdc.MustMarshal(&cmd)
	}
	toV1(types.BalancesKey.Bytes(), func(bz []byte) []byte {
		bal, err := types.BalanceValue{}.Decode(bz)
		require.NoError(t, err)
		return cdc.MustMarshal(&bal)
	})
	toV1(types.LevelsKey.Bytes(), func(bz []byte) []byte {
		orders, err := types.DecodeLevelOrders(bz)
		require.NoError(t, err)
		return cdc.MustMarshal(&types.Level{Orders: orders})
	})
	toV1(types.PendingKey.Bytes(), command)
	toV1(types.PendingIDsKey.Bytes(), command)
	require.NotEqual(t, want, c.snapshot())

	require.NoError(t, keeper.NewMigrator(c.k).Migrate1to2(c.ctx))
	require.Equal(t, want, c.snapshot())
	c.endBlock() // the books reload from the migrated levels
	c.endBlock()
}
