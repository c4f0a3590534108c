package keeper_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestRandomizedHaltsKeepInvariant runs random blocks on two identical
// chains with a third market that bands on an oracle feed which moves and
// goes stale at random, and whose circuit breaker (3%) has a 2-block limit
// state: the balance invariant holds after every block, the app hashes stay
// equal, the limit state, the pause and the oracle-stale halt all happen,
// and every lock is released once everything is cancelled.
func TestRandomizedHaltsKeepInvariant(t *testing.T) {
	s := newSim(t, 2)
	m := stdMarket()
	m.BandBps, m.BandHaltBlocks = 1000, 2
	m.BreakerBps, m.BreakerWindowBlocks, m.LimitStateBlocks = 300, 5, 2
	var id uint64
	for _, c := range s.chains {
		id = c.createMarket(m)
	}
	s.markets = append(s.markets, id)
	rng := rand.New(rand.NewSource(21))
	var sawLimit, sawPause, sawStale bool
	for i := 0; i < 200; i++ {
		// The feed: missing (stale) one block in eight, else 95..105.
		stale := rng.Intn(8) == 0
		p := int64(95 + rng.Intn(11))
		for _, c := range s.chains {
			if stale {
				delete(c.oracle.prices, "ubase/uquote")
			} else {
				c.oracle.prices["ubase/uquote"] = p
			}
		}
		s.block(t, rng)
		require.Equal(t, s.chains[0].appHash(), s.chains[1].appHash(), "block %d", i)
		st, err := s.chains[0].q.Market(s.chains[0].ctx, &types.QueryMarketRequest{MarketId: id})
		require.NoError(t, err)
		sawLimit = sawLimit || st.State.LimitUntil != 0
		sawPause = sawPause || st.State.HaltedUntil != 0
		sawStale = sawStale || st.State.OracleStale
		if st.State.LimitUntil != 0 {
			require.Less(t, st.State.LimitLow, st.State.LimitHigh)
		}
	}
	require.True(t, sawLimit, "no limit state")
	require.True(t, sawPause, "no pause")
	require.True(t, sawStale, "no oracle-stale halt")
	for _, c := range s.chains {
		c.oracle.prices["ubase/uquote"] = 100
		for _, a := range s.traders {
			require.NoError(t, c.tx(func(ctx sdk.Context) error {
				_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: a.String()})
				return err
			}))
		}
		c.endBlock()
		for _, a := range s.traders {
			for _, d := range []string{"ubase", "uquote"} {
				_, l := c.bal(a, d)
				require.Zero(t, l, "%s %s still locked", a, d)
			}
		}
	}
}
