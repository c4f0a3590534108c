package keeper_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/client/cli"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestTradeRegisterMatchesTheSessionsFills: a session of three blocks with
// fills; the events EndBlock emitted (as block results carry them) are parsed
// by the trade-register command's parser, the entities resolved to LEIs
// through compliance, and the register is checked against the fills the
// exchange recorded (its trades ring) and the licences of both sides.
func TestTradeRegisterMatchesTheSessionsFills(t *testing.T) {
	rc, id, _, buyer, seller, _ := restrictedMarket(t) // buyer: entity 1, seller: entity 2
	blocks := map[int64][]abci.Event{}
	endBlock := func() {
		em := sdk.NewEventManager()
		rc.ctx = rc.ctx.WithEventManager(em)
		h := rc.ctx.BlockHeight()
		require.NoError(t, rc.tryEndBlock())
		blocks[h] = em.ABCIEvents()
	}
	from := rc.ctx.BlockHeight()
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 3)) // fills 3 of the resting bid of 4 at 500
	endBlock()
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 510, 2)) // rests: no fill
	endBlock()
	rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 520, 2)) // buyer takes the ask at 510
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 1))
	endBlock()

	var reg []cli.Trade
	for h := from; h < rc.ctx.BlockHeight(); h++ {
		tr, err := cli.ParseFills(h, blocks[h])
		require.NoError(t, err)
		reg = append(reg, tr...)
	}
	require.NoError(t, cli.ResolveLEIs(reg, func(id uint64) (string, error) {
		e, err := rc.comp.GetEntity(rc.ctx, id)
		return e.Lei, err
	}))

	// The exchange's own record of the fills, oldest first.
	r, err := rc.q.Trades(rc.ctx, &types.QueryTradesRequest{MarketId: id})
	require.NoError(t, err)
	require.Len(t, reg, len(r.Trades))
	require.Len(t, reg, 3)
	for i, tr := range reg {
		want := r.Trades[len(r.Trades)-1-i]
		require.Equal(t, want.Height, tr.Height)
		require.Equal(t, want.MarketId, tr.Market)
		require.Equal(t, want.TakerOrderId, tr.TakerOrder)
		require.Equal(t, want.MakerOrderId, tr.MakerOrder)
		require.Equal(t, want.Price, tr.Price)
		require.Equal(t, want.Quantity, tr.Qty)
		require.Equal(t, want.Taker, tr.Taker)
		require.Equal(t, want.Maker, tr.Maker)
		require.Equal(t, want.TakerSide.String(), tr.TakerSide)
		for _, side := range []struct {
			addr   string
			entity uint64
			lei    string
		}{{tr.Taker, tr.TakerEntity, tr.TakerLEI}, {tr.Maker, tr.MakerEntity, tr.MakerLEI}} {
			l, ok := rc.comp.GetLicence(rc.ctx, sdk.MustAccAddressFromBech32(side.addr))
			require.True(t, ok)
			require.Equal(t, l.EntityId, side.entity)
			e, err := rc.comp.GetEntity(rc.ctx, l.EntityId)
			require.NoError(t, err)
			require.Equal(t, e.Lei, side.lei)
			require.NotEmpty(t, side.lei)
		}
	}
	require.Equal(t, buyer.String(), reg[1].Taker)
	require.Equal(t, regLEI+"0", reg[1].TakerLEI)
	require.Equal(t, regLEI+"1", reg[1].MakerLEI)

	var csvOut, jsonOut bytes.Buffer
	require.NoError(t, cli.WriteCSV(&csvOut, reg))
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	require.Len(t, lines, 4)
	require.Equal(t, "height,market_id,taker_order_id,maker_order_id,price_ticks,quantity_lots,taker_side,taker,taker_entity_id,taker_lei,maker,maker_entity_id,maker_lei", lines[0])
	require.Contains(t, lines[2], ",510,2,SIDE_BUY,"+buyer.String()+",1,"+regLEI+"0,"+seller.String()+",2,"+regLEI+"1")
	require.NoError(t, cli.WriteJSON(&jsonOut, reg))
	require.Contains(t, jsonOut.String(), `"maker_lei": "`+regLEI+`1"`)
}
