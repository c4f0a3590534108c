package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// Migrator migrates the module's stored state between consensus versions.
type Migrator struct{ k Keeper }

// NewMigrator returns the migrator of k.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 rewrites the values that version 2 stores in the binary
// encodings (README.md, "Binary encodings") from their version-1 protobuf
// form: balances, levels, carried-over commands and their index. Keys do
// not change. The in-memory books are rebuilt on the next block.
func (m Migrator) Migrate1to2(ctx context.Context) error {
	kv := m.k.storeService.OpenKVStore(ctx)
	convert := func(prefix []byte, conv func([]byte) ([]byte, error)) error {
		end := append([]byte{}, prefix...)
		end[len(end)-1]++
		it, err := kv.Iterator(prefix, end)
		if err != nil {
			return err
		}
		var keys, vals [][]byte
		for ; it.Valid(); it.Next() {
			v, err := conv(it.Value())
			if err != nil {
				it.Close()
				return errorsmod.Wrapf(err, "migrating key %x", it.Key())
			}
			keys = append(keys, append([]byte{}, it.Key()...))
			vals = append(vals, v)
		}
		if err := it.Close(); err != nil {
			return err
		}
		for i := range keys {
			if err := kv.Set(keys[i], vals[i]); err != nil {
				return err
			}
		}
		return nil
	}
	command := func(bz []byte) ([]byte, error) {
		var c types.QueuedCommand
		if err := m.k.cdc.Unmarshal(bz, &c); err != nil {
			return nil, err
		}
		return types.CommandValue{}.Encode(c)
	}
	steps := []struct {
		prefix []byte
		conv   func([]byte) ([]byte, error)
	}{
		{types.BalancesKey.Bytes(), func(bz []byte) ([]byte, error) {
			var b types.Balance
			if err := m.k.cdc.Unmarshal(bz, &b); err != nil {
				return nil, err
			}
			return types.BalanceValue{}.Encode(b)
		}},
		{types.LevelsKey.Bytes(), func(bz []byte) ([]byte, error) {
			var l types.Level
			if err := m.k.cdc.Unmarshal(bz, &l); err != nil {
				return nil, err
			}
			return types.EncodeLevel(l.Orders)
		}},
		{types.PendingKey.Bytes(), command},
		{types.PendingIDsKey.Bytes(), command},
	}
	for _, s := range steps {
		if err := convert(s.prefix, s.conv); err != nil {
			return err
		}
	}
	m.k.mem.mu.Lock()
	m.k.mem.loaded = false
	m.k.mem.mu.Unlock()
	return nil
}

// Migrate2to3 moves the carry-over queue from version 2's layout (one key
// per command under PendingKey, its sequence under PendingSeqKey and an
// index of the places under PendingIDsKey) into one Carry value (carry.go)
// at key 0, ahead of any block's, in the same order, and deletes the old
// keys. The in-memory index is rebuilt on the next block.
func (m Migrator) Migrate2to3(ctx context.Context) error {
	kv := m.k.storeService.OpenKVStore(ctx)
	var cmds []types.QueuedCommand
	var dead [][]byte
	for _, prefix := range [][]byte{types.PendingKey.Bytes(), types.PendingSeqKey.Bytes(), types.PendingIDsKey.Bytes()} {
		end := append([]byte{}, prefix...)
		end[len(end)-1]++
		it, err := kv.Iterator(prefix, end)
		if err != nil {
			return err
		}
		for ; it.Valid(); it.Next() {
			if string(prefix) == string(types.PendingKey.Bytes()) {
				var c types.QueuedCommand
				if err := types.DecodeCommand(it.Value(), &c); err != nil {
					it.Close()
					return errorsmod.Wrapf(err, "migrating carried-over command %x", it.Key())
				}
				cmds = append(cmds, c)
			}
			dead = append(dead, append([]byte{}, it.Key()...))
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	for _, key := range dead {
		if err := kv.Delete(key); err != nil {
			return err
		}
	}
	if len(cmds) > 0 {
		if err := m.k.setCarry(ctx, 0, cmds); err != nil {
			return err
		}
	}
	m.k.mem.mu.Lock()
	m.k.mem.loaded = false
	m.k.mem.mu.Unlock()
	return nil
}
