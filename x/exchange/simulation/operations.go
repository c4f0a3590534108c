package simulation

import (
	"context"
	"fmt"
	"math/rand"

	abci "github.com/cometbft/cometbft/abci/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Operation weights, overridable through the simulation params file.
const (
	OpWeightCreateMarket = "op_weight_msg_create_market"
	OpWeightDeposit      = "op_weight_msg_deposit"
	OpWeightPlaceOrder   = "op_weight_msg_place_order"
	OpWeightCancelOrder  = "op_weight_msg_cancel_order"
)

// maxMarkets bounds the markets the simulation lists.
const maxMarkets = 4

// WeightedOperations returns the traders' operations. quoteDenom is the
// denom every simulation account holds (the bond denom): markets list an
// issued asset against it.
func WeightedOperations(appParams simtypes.AppParams, txConfig client.TxConfig, k keeper.Keeper, quoteDenom string) []simtypes.WeightedOperation {
	weight := func(key string, def int) int {
		var w int
		appParams.GetOrGenerate(key, &w, nil, func(*rand.Rand) { w = def })
		return w
	}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(weight(OpWeightCreateMarket, 10), SimulateMsgCreateMarket(txConfig, k, quoteDenom)),
		simulation.NewWeightedOperation(weight(OpWeightDeposit, 40), SimulateMsgDeposit(txConfig, k)),
		simulation.NewWeightedOperation(weight(OpWeightPlaceOrder, 60), SimulateMsgPlaceOrder(txConfig, k)),
		simulation.NewWeightedOperation(weight(OpWeightCancelOrder, 20), SimulateMsgCancelOrder(txConfig, k)),
	}
}

// appAccounts reads accounts through the app's auth query service: the
// exchange module holds no account keeper, and signing needs account
// numbers and sequences.
type appAccounts struct{ app *baseapp.BaseApp }

const accountInfoPath = "/cosmos.auth.v1beta1.Query/AccountInfo"

func (a appAccounts) GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI {
	h := a.app.GRPCQueryRouter().Route(accountInfoPath)
	if h == nil {
		return nil
	}
	req, err := (&authtypes.QueryAccountInfoRequest{Address: addr.String()}).Marshal()
	if err != nil {
		return nil
	}
	res, err := h(sdk.UnwrapSDKContext(ctx), &abci.RequestQuery{Path: accountInfoPath, Data: req})
	if err != nil {
		return nil
	}
	var out authtypes.QueryAccountInfoResponse
	if err := out.Unmarshal(res.Value); err != nil || out.Info == nil {
		return nil
	}
	return out.Info
}

func deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, txConfig client.TxConfig, from simtypes.Account, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	accounts := appAccounts{app}
	if accounts.GetAccount(ctx, from.Address) == nil {
		return noop(msg, "signer has no account")
	}
	return simulation.GenAndDeliverTx(simulation.OperationInput{
		R: r, App: app, TxGen: txConfig, Msg: msg, Context: ctx, SimAccount: from,
		AccountKeeper: accounts, ModuleName: types.ModuleName,
	}, nil)
}

func noop(msg sdk.Msg, why string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), why), nil, nil
}

// markets returns the listed markets (bounded).
func markets(ctx sdk.Context, k keeper.Keeper) []types.Market {
	var ms []types.Market
	_ = k.Markets.Walk(ctx, nil, func(_ uint64, m types.Market) (bool, error) {
		ms = append(ms, m)
		return len(ms) >= 100, nil
	})
	return ms
}

// SimulateMsgCreateMarket lets the params authority list an issued asset a
// simulation account holds against the quote denom.
func SimulateMsgCreateMarket(txConfig client.TxConfig, k keeper.Keeper, quoteDenom string) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgCreateMarket{}
		auth, err := sdk.AccAddressFromBech32(k.GetParams(ctx).Authority)
		if err != nil {
			return noop(msg, "no params authority")
		}
		from, ok := simtypes.FindAccount(accs, auth)
		if !ok {
			return noop(msg, "params authority is not a simulation account")
		}
		if k.CheckTrader(ctx, auth, nil) != nil {
			return noop(msg, "authority not licensed to trade")
		}
		ms := markets(ctx, k)
		if len(ms) >= maxMarkets {
			return noop(msg, "enough markets")
		}
		// An issued asset some simulation account holds, not yet listed.
		listed := map[string]bool{quoteDenom: true}
		for _, m := range ms {
			listed[m.BaseDenom] = true
		}
		var base string
		for i, start := 0, r.Intn(len(accs)); i < len(accs) && base == ""; i++ {
			for _, c := range k.Bank().GetAllBalances(ctx, accs[(start+i)%len(accs)].Address) {
				if !listed[c.Denom] {
					base = c.Denom
					break
				}
			}
		}
		if base == "" {
			return noop(msg, "no issued asset to list")
		}
		m := types.Market{BaseDenom: base, QuoteDenom: quoteDenom, TickSize: sdkmath.NewInt(1), LotSize: sdkmath.NewInt(1),
			MinNotional: sdkmath.NewInt(1), MakerFeeBps: int32(r.Intn(5)), TakerFeeBps: uint32(5 + r.Intn(10))}
		if r.Intn(4) == 0 {
			m.Mode, m.AuctionIntervalBlocks = types.MarketMode_MARKET_MODE_CALL_AUCTION, uint64(1+r.Intn(3))
		}
		msg.Authority, msg.Market = auth.String(), m
		return deliver(r, app, ctx, txConfig, from, msg)
	}
}

// SimulateMsgDeposit deposits part of a licensed account's balance of a
// listed denom.
func SimulateMsgDeposit(txConfig client.TxConfig, k keeper.Keeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgDeposit{}
		ms := markets(ctx, k)
		if len(ms) == 0 {
			return noop(msg, "no market")
		}
		acc, _ := simtypes.RandomAcc(r, accs)
		if k.CheckTrader(ctx, acc.Address, nil) != nil {
			return noop(msg, "not licensed to trade")
		}
		// A listed denom the account holds.
		var denom string
		var bal sdkmath.Int
		for i, start := 0, r.Intn(len(ms)); i < 2*len(ms) && denom == ""; i++ {
			m := ms[(start+i/2)%len(ms)]
			d := m.QuoteDenom
			if (i+r.Intn(2))%2 == 0 {
				d = m.BaseDenom
			}
			if b := k.Bank().GetBalance(ctx, acc.Address, d).Amount; b.IsPositive() {
				denom, bal = d, b
			}
		}
		if denom == "" {
			return noop(msg, "holds no listed denom")
		}
		// At most a quarter of the balance: the bond denom also pays fees.
		avail := bal.QuoRaw(4)
		if !avail.IsPositive() {
			return noop(msg, "nothing to deposit")
		}
		amt := sdkmath.NewInt(1 + r.Int63n(1_000_000))
		if avail.IsInt64() && avail.Int64() < amt.Int64() {
			amt = avail
		}
		msg.Owner, msg.Amount = acc.Address.String(), sdk.NewCoin(denom, amt)
		return deliver(r, app, ctx, txConfig, acc, msg)
	}
}

// SimulateMsgPlaceOrder places a limit order near the market's last price
// that the owner's free exchange balance covers.
func SimulateMsgPlaceOrder(txConfig client.TxConfig, k keeper.Keeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgPlaceOrder{}
		ms := markets(ctx, k)
		if len(ms) == 0 {
			return noop(msg, "no market")
		}
		m := ms[r.Intn(len(ms))]
		if m.Status != types.MarketStatus_MARKET_STATUS_ACTIVE {
			return noop(msg, "market not active")
		}
		st, err := k.MarketStates.Get(ctx, m.Id)
		if err == nil && st.HaltedUntil > ctx.BlockHeight() {
			return noop(msg, "market halted")
		}
		ref := int64(1000)
		if err == nil && st.LastPrice > 0 {
			ref = st.LastPrice
		}
		// Mostly passive orders (they rest, so cancels find some), a
		// quarter crossing the last price.
		d := int64(1 + r.Intn(10))
		buyPrice, sellPrice := max(1, ref-d), ref+d
		if r.Intn(4) == 0 {
			buyPrice, sellPrice = sellPrice, buyPrice
		}
		qty := uint64(1 + r.Intn(20))
		// An eligible account whose free balance covers a side, with the
		// lock PlaceOrder takes: a buy q*(p*tick + taker fee) quote, a sell
		// q*lot base.
		perLot := m.TickSize.MulRaw(buyPrice)
		fee := perLot.MulRaw(int64(m.TakerFeeBps)).AddRaw(9_999).QuoRaw(10_000)
		covers := func(addr sdk.AccAddress, denom string, need sdkmath.Int) bool {
			b, err := k.GetBalance(ctx, addr, denom)
			return err == nil && b.Free.GTE(need)
		}
		var acc simtypes.Account
		var side types.Side
		for i, start := 0, r.Intn(len(accs)); i < len(accs) && side == types.Side_SIDE_UNSPECIFIED; i++ {
			a := accs[(start+i)%len(accs)]
			canBuy := covers(a.Address, m.QuoteDenom, perLot.Add(fee).MulRaw(int64(qty)))
			canSell := covers(a.Address, m.BaseDenom, m.LotSize.MulRaw(int64(qty)))
			if (!canBuy && !canSell) || k.CheckTrader(ctx, a.Address, &m) != nil {
				continue
			}
			acc = a
			switch {
			case canBuy && canSell:
				side = types.Side(1 + r.Intn(2))
			case canBuy:
				side = types.Side_SIDE_BUY
			default:
				side = types.Side_SIDE_SELL
			}
		}
		if side == types.Side_SIDE_UNSPECIFIED {
			return noop(msg, "no eligible account with the funds")
		}
		price := buyPrice
		if side == types.Side_SIDE_SELL {
			price = sellPrice
		}
		spec := types.OrderSpec{MarketId: m.Id, Side: side, Price: price, Quantity: qty,
			ClientOrderId: fmt.Sprintf("sim-%d", r.Intn(1000))}
		switch r.Intn(8) {
		case 0:
			spec.TimeInForce = types.TimeInForce_TIME_IN_FORCE_IOC
		case 1:
			spec.TimeInForce, spec.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, ctx.BlockHeight()+int64(1+r.Intn(5))
		}
		msg.Owner, msg.Order = acc.Address.String(), spec
		return deliver(r, app, ctx, txConfig, acc, msg)
	}
}

// SimulateMsgCancelOrder cancels one of a licensed account's live orders.
func SimulateMsgCancelOrder(txConfig client.TxConfig, k keeper.Keeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg := &types.MsgCancelOrder{}
		q := keeper.NewQuerier(k)
		for i, start := 0, r.Intn(len(accs)); i < len(accs); i++ {
			acc := accs[(start+i)%len(accs)]
			res, err := q.OrdersByOwner(ctx, &types.QueryOrdersByOwnerRequest{Owner: acc.Address.String()})
			if err != nil || len(res.Orders) == 0 || k.CheckTrader(ctx, acc.Address, nil) != nil {
				continue
			}
			o := res.Orders[r.Intn(len(res.Orders))]
			msg.Owner, msg.MarketId, msg.OrderId = acc.Address.String(), o.MarketId, o.Id
			return deliver(r, app, ctx, txConfig, acc, msg)
		}
		return noop(msg, "no live order of an eligible account")
	}
}
