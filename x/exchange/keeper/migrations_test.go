package keeper_test

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestMigrate1to2RestoresTheBinaryState writes a live state back in its
// version-1 protobuf form (with version 2's carry-over layout, one key per
// command) and requires the migrations 1 to 2 and 2 to 3 to give back
// exactly the version-3 store.
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
	kv := c.ctx.KVStore(c.keys[types.StoreKey])
	carried := toV2Carry(t, c)
	require.NotEmpty(t, carried)
	// Version 3 as the migration writes it: the queue in one value at key 0.
	require.NoError(t, c.k.Carry.Set(c.ctx, 0, encodeCarryForTest(t, carried)))
	want := c.snapshot()
	require.NoError(t, c.k.Carry.Remove(c.ctx, 0))
	writeV2Carry(t, c, carried)
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
	require.NoError(t, keeper.NewMigrator(c.k).Migrate2to3(c.ctx))
	require.Equal(t, want, c.snapshot())
	c.endBlock() // the books reload from the migrated levels
	c.endBlock()
}

// toV2Carry removes the carry-over queue's values and returns its commands.
func toV2Carry(t *testing.T, c *chain) []types.QueuedCommand {
	var cmds []types.QueuedCommand
	require.NoError(t, c.k.Pending.Walk(c.ctx, nil, func(_ uint64, cmd types.QueuedCommand) (bool, error) {
		cmds = append(cmds, cmd)
		return false, nil
	}))
	var keys []int64
	require.NoError(t, c.k.Carry.Walk(c.ctx, nil, func(h int64, _ []byte) (bool, error) {
		keys = append(keys, h)
		return false, nil
	}))
	for _, h := range keys {
		require.NoError(t, c.k.Carry.Remove(c.ctx, h))
	}
	return cmds
}

// writeV2Carry writes cmds in version 2's carry-over layout: one key per
// command under PendingKey (keys from 0), the places indexed by order id
// under PendingIDsKey, the last key used under PendingSeqKey.
func writeV2Carry(t *testing.T, c *chain, cmds []types.QueuedCommand) {
	kv := c.ctx.KVStore(c.keys[types.StoreKey])
	for i, cmd := range cmds {
		bz, err := types.CommandValue{}.Encode(cmd)
		require.NoError(t, err)
		kv.Set(append(types.PendingKey.Bytes(), binary.BigEndian.AppendUint64(nil, uint64(i))...), bz)
		if cmd.Kind == types.CommandKind_COMMAND_KIND_PLACE {
			kv.Set(append(types.PendingIDsKey.Bytes(), binary.BigEndian.AppendUint64(nil, cmd.Order.Id)...), bz)
		}
	}
	kv.Set(types.PendingSeqKey.Bytes(), binary.BigEndian.AppendUint64(nil, uint64(len(cmds))))
}

// encodeCarryForTest is the Carry value of cmds.
func encodeCarryForTest(t *testing.T, cmds []types.QueuedCommand) []byte {
	bz, err := keeper.EncodeCarry(cmds)
	require.NoError(t, err)
	return bz
}
