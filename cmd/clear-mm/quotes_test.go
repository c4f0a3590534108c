package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

func TestQuotes(t *testing.T) {
	c := DefaultConfig()
	c.SpreadBps, c.Levels, c.LevelStepTicks, c.Quantity, c.SkewBpsPerLot, c.MaxInventory = 100, 2, 2, 5, 10, 50
	buy, sell := exchangetypes.Side_SIDE_BUY, exchangetypes.Side_SIDE_SELL
	for _, tc := range []struct {
		name     string
		ref, inv int64
		want     []Quote
	}{
		{"flat: half the spread each side, levels a step apart", 1000, 0,
			[]Quote{{buy, 995, 5}, {sell, 1005, 5}, {buy, 993, 5}, {sell, 1007, 5}}},
		{"long 10 lots: both sides shift down 10 bps", 1000, 10,
			[]Quote{{buy, 985, 5}, {sell, 995, 5}, {buy, 983, 5}, {sell, 997, 5}}},
		{"short 10 lots: both sides shift up", 1000, -10,
			[]Quote{{buy, 1005, 5}, {sell, 1015, 5}, {buy, 1003, 5}, {sell, 1017, 5}}},
		{"at the long limit: no bids", 1000, 50,
			[]Quote{{sell, 955, 5}, {sell, 957, 5}}},
		{"at the short limit: no asks", 1000, -50,
			[]Quote{{buy, 1045, 5}, {buy, 1043, 5}}},
		{"tiny price: a spread of at least one tick, prices at least 1", 2, 0,
			[]Quote{{buy, 1, 5}, {sell, 3, 5}, {sell, 5, 5}}},
		{"no reference: no quotes", 0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Quotes(c, tc.ref, tc.inv))
		})
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "mm.yaml")
	require.NoError(t, os.WriteFile(good, []byte("mnemonic: abandon\nmarket: 3\nspread_bps: 40\n"), 0o600))
	c, err := LoadConfig(good)
	require.NoError(t, err)
	require.Equal(t, uint64(3), c.Market)
	require.Equal(t, int64(40), c.SpreadBps)
	require.Equal(t, 2, c.Levels, "defaults fill what the file leaves out")

	for name, body := range map[string]string{
		"unknown key":             "mnemonic: x\nspred_bps: 3\n",
		"no mnemonic":             "market: 1\n",
		"heartbeat below refresh": "mnemonic: x\nrefresh_blocks: 5\nheartbeat_blocks: 3\n",
		"spread out of range":     "mnemonic: x\nspread_bps: 20000\n",
	} {
		p := filepath.Join(dir, "bad.yaml")
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		_, err := LoadConfig(p)
		require.Error(t, err, name)
	}
}
