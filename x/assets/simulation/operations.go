package simulation

import (
	"context"
	"fmt"
	"math/rand"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/clearchain/clearchain/x/assets/keeper"
	"github.com/clearchain/clearchain/x/assets/types"
)

// AccountKeeper signs simulated transactions.
type AccountKeeper interface {
	GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI
}

// BankKeeper reads balances for burns.
type BankKeeper interface {
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
}

// Operation weights, overridable through the simulation params file.
const (
	OpWeightCreateAsset   = "op_weight_msg_create_asset"
	OpWeightMint          = "op_weight_msg_mint"
	OpWeightBurn          = "op_weight_msg_burn"
	OpWeightTransferAdmin = "op_weight_msg_transfer_admin"
)

// WeightedOperations returns the issuers' operations. Assets are never
// paused nor restricted in simulation: other modules' operations move random
// coins to unlicensed accounts (contracts), which would then fail.
func WeightedOperations(appParams simtypes.AppParams, txConfig client.TxConfig, k keeper.Keeper, ak AccountKeeper, bk BankKeeper) []simtypes.WeightedOperation {
	weight := func(key string, def int) int {
		var w int
		appParams.GetOrGenerate(key, &w, nil, func(*rand.Rand) { w = def })
		return w
	}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(weight(OpWeightCreateAsset, 20), SimulateMsgCreateAsset(txConfig, k, ak)),
		simulation.NewWeightedOperation(weight(OpWeightMint, 40), SimulateMsgMint(txConfig, k, ak)),
		simulation.NewWeightedOperation(weight(OpWeightBurn, 10), SimulateMsgBurn(txConfig, k, ak, bk)),
		simulation.NewWeightedOperation(weight(OpWeightTransferAdmin, 5), SimulateMsgTransferAdmin(txConfig, k, ak)),
	}
}

func deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, txConfig client.TxConfig, ak AccountKeeper, from simtypes.Account, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simulation.GenAndDeliverTx(simulation.OperationInput{
		R: r, App: app, TxGen: txConfig, Msg: msg, Context: ctx, SimAccount: from,
		AccountKeeper: ak, ModuleName: types.ModuleName,
	}, nil)
}

// randomAdminAsset picks an asset whose admin is a simulation account.
func randomAdminAsset(r *rand.Rand, ctx sdk.Context, k keeper.Keeper, accs []simtypes.Account) (types.Asset, simtypes.Account, bool) {
	var assets []types.Asset
	_ = k.Assets.Walk(ctx, nil, func(_ string, a types.Asset) (bool, error) {
		assets = append(assets, a)
		return len(assets) >= 100, nil
	})
	if len(assets) == 0 {
		return types.Asset{}, simtypes.Account{}, false
	}
	a := assets[r.Intn(len(assets))]
	admin, err := sdk.AccAddressFromBech32(a.Admin)
	if err != nil {
		return a, simtypes.Account{}, false
	}
	acc, ok := simtypes.FindAccount(accs, admin)
	return a, acc, ok && !a.Paused
}

// SimulateMsgCreateAsset lets a licensed issuer create an asset.
func SimulateMsgCreateAsset(txConfig client.TxConfig, k keeper.Keeper, ak AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		issuer, _ := simtypes.RandomAcc(r, accs)
		symbol := fmt.Sprintf("sim%d", r.Intn(1000))
		if _, err := k.GetAsset(ctx, types.DenomPrefix+issuer.Address.String()+"/"+symbol); err == nil {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgCreateAsset{}), "asset exists"), nil, nil
		}
		capAmt := sdkmath.ZeroInt()
		if r.Intn(2) == 0 {
			capAmt = sdkmath.NewInt(r.Int63n(1_000_000_000) + 1)
		}
		msg := &types.MsgCreateAsset{
			Issuer: issuer.Address.String(), Symbol: symbol, Name: "simulated " + symbol,
			Decimals: uint32(r.Intn(7)), Class: types.AssetClass(1 + r.Intn(4)),
			// Never restricted: wasm's simulation instantiates contracts with
			// random funds, and an unlicensed contract may not hold a
			// restricted asset. Restriction is covered by the unit tests.
			Restricted: false, SupplyCap: capAmt,
		}
		return deliver(r, app, ctx, txConfig, ak, issuer, msg)
	}
}

// SimulateMsgMint mints within the cap to a random simulation account.
func SimulateMsgMint(txConfig client.TxConfig, k keeper.Keeper, ak AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		a, admin, ok := randomAdminAsset(r, ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgMint{}), "no asset with a simulated admin"), nil, nil
		}
		amount := sdkmath.NewInt(r.Int63n(1_000_000) + 1)
		if a.SupplyCap.IsPositive() {
			room := a.SupplyCap.Sub(k.Supply(ctx, a.Denom))
			if !room.IsPositive() {
				return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgMint{}), "cap reached"), nil, nil
			}
			amount = sdkmath.MinInt(amount, room)
		}
		to, _ := simtypes.RandomAcc(r, accs)
		msg := &types.MsgMint{Admin: a.Admin, Denom: a.Denom, Amount: amount, Recipient: to.Address.String()}
		return deliver(r, app, ctx, txConfig, ak, admin, msg)
	}
}

// SimulateMsgBurn burns part of the admin's balance.
func SimulateMsgBurn(txConfig client.TxConfig, k keeper.Keeper, ak AccountKeeper, bk BankKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		a, admin, ok := randomAdminAsset(r, ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgBurn{}), "no asset with a simulated admin"), nil, nil
		}
		bal := bk.GetBalance(ctx, admin.Address, a.Denom).Amount
		if !bal.IsPositive() {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgBurn{}), "admin holds none"), nil, nil
		}
		amount := sdkmath.NewInt(r.Int63n(bal.Int64()) + 1)
		if !bal.IsInt64() {
			amount = sdkmath.NewInt(1)
		}
		msg := &types.MsgBurn{Admin: a.Admin, Denom: a.Denom, Amount: amount}
		return deliver(r, app, ctx, txConfig, ak, admin, msg)
	}
}

// SimulateMsgTransferAdmin hands an asset to another simulation account.
func SimulateMsgTransferAdmin(txConfig client.TxConfig, k keeper.Keeper, ak AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		a, admin, ok := randomAdminAsset(r, ctx, k, accs)
		to, _ := simtypes.RandomAcc(r, accs)
		if !ok || to.Address.Equals(admin.Address) {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgTransferAdmin{}), "no candidate"), nil, nil
		}
		msg := &types.MsgTransferAdmin{Admin: a.Admin, Denom: a.Denom, NewAdmin: to.Address.String()}
		return deliver(r, app, ctx, txConfig, ak, admin, msg)
	}
}
