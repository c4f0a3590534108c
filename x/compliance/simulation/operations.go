package simulation

import (
	"fmt"
	"math/rand"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/clearchain/clearchain/x/compliance/keeper"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// Operation weights, overridable through the simulation params file.
const (
	OpWeightRegisterEntity = "op_weight_msg_register_entity"
	OpWeightUpdateLicence  = "op_weight_msg_update_licence"
	OpWeightSetRule        = "op_weight_msg_set_eligibility_rule"
	OpWeightFreeze         = "op_weight_msg_freeze_account"
)

// WeightedOperations returns the regulator's operations. They never take
// a role or freeze from a simulation account, so the other modules'
// operations keep passing the gate.
func WeightedOperations(appParams simtypes.AppParams, txConfig client.TxConfig, k keeper.Keeper, ak types.AccountKeeper) []simtypes.WeightedOperation {
	weight := func(key string, def int) int {
		var w int
		appParams.GetOrGenerate(key, &w, nil, func(*rand.Rand) { w = def })
		return w
	}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(weight(OpWeightRegisterEntity, 20), SimulateMsgRegisterEntity(txConfig, k, ak)),
		simulation.NewWeightedOperation(weight(OpWeightUpdateLicence, 20), SimulateMsgUpdateLicence(txConfig, k, ak)),
		simulation.NewWeightedOperation(weight(OpWeightSetRule, 10), SimulateMsgSetEligibilityRule(txConfig, k, ak)),
		simulation.NewWeightedOperation(weight(OpWeightFreeze, 10), SimulateMsgFreezeAccount(txConfig, k, ak)),
	}
}

// regulator finds the regulator among the simulation accounts.
func regulator(ctx sdk.Context, k keeper.Keeper, accs []simtypes.Account) (simtypes.Account, bool) {
	auth := k.Authority(ctx)
	for _, a := range accs {
		if a.Address.String() == auth {
			return a, true
		}
	}
	return simtypes.Account{}, false
}

func deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, txConfig client.TxConfig, ak types.AccountKeeper, from simtypes.Account, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simulation.GenAndDeliverTx(simulation.OperationInput{
		R: r, App: app, TxGen: txConfig, Msg: msg, Context: ctx, SimAccount: from,
		AccountKeeper: ak, ModuleName: types.ModuleName,
	}, nil)
}

// SimulateMsgRegisterEntity registers a new entity, sometimes under a parent.
func SimulateMsgRegisterEntity(txConfig client.TxConfig, k keeper.Keeper, ak types.AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msgType := sdk.MsgTypeURL(&types.MsgRegisterEntity{})
		reg, ok := regulator(ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "regulator is not a simulation account"), nil, nil
		}
		next, err := k.NextEntity.Peek(ctx)
		if err != nil {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "next entity id"), nil, err
		}
		var parent uint64
		if next > 1 && r.Intn(2) == 0 {
			parent = uint64(r.Int63n(int64(next-1))) + 1
		}
		msg := &types.MsgRegisterEntity{
			Authority: reg.Address.String(), Name: fmt.Sprintf("entity %d", next),
			Lei: SimLEI(int(next)), Jurisdiction: "LU", ParentId: parent, Reason: "simulation",
		}
		return deliver(r, app, ctx, txConfig, ak, reg, msg)
	}
}

// SimulateMsgUpdateLicence moves a licensed account to another entity,
// keeping every role and no expiry.
func SimulateMsgUpdateLicence(txConfig client.TxConfig, k keeper.Keeper, ak types.AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msgType := sdk.MsgTypeURL(&types.MsgUpdateLicence{})
		reg, ok := regulator(ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "regulator is not a simulation account"), nil, nil
		}
		acc, _ := simtypes.RandomAcc(r, accs)
		l, ok := k.GetLicence(ctx, acc.Address)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "account not licensed"), nil, nil
		}
		next, err := k.NextEntity.Peek(ctx)
		if err != nil || next <= 1 {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "no entities"), nil, err
		}
		msg := &types.MsgUpdateLicence{
			Authority: reg.Address.String(), Address: l.Address,
			EntityId: uint64(r.Int63n(int64(next-1))) + 1, Roles: types.AllRoles, Reason: "simulation",
		}
		return deliver(r, app, ctx, txConfig, ak, reg, msg)
	}
}

// SimulateMsgSetEligibilityRule sets a rule on a simulation-only market
// subject, which no other module's operation uses.
func SimulateMsgSetEligibilityRule(txConfig client.TxConfig, k keeper.Keeper, ak types.AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msgType := sdk.MsgTypeURL(&types.MsgSetEligibilityRule{})
		reg, ok := regulator(ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, msgType, "regulator is not a simulation account"), nil, nil
		}
		msg := &types.MsgSetEligibilityRule{
			Authority:            reg.Address.String(),
			Subject:              fmt.Sprintf("market/sim-%d", r.Intn(5)),
			AllowedRoles:         []types.Role{types.AllRoles[r.Intn(len(types.AllRoles))]},
			AllowedJurisdictions: []string{"DE", "FR"}[:r.Intn(3)],
			Reason:               "simulation",
		}
		return deliver(r, app, ctx, txConfig, ak, reg, msg)
	}
}

// SimulateMsgFreezeAccount freezes or unfreezes a fresh address that is not
// a simulation account.
func SimulateMsgFreezeAccount(txConfig client.TxConfig, k keeper.Keeper, ak types.AccountKeeper) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		reg, ok := regulator(ctx, k, accs)
		if !ok {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(&types.MsgFreezeAccount{}), "regulator is not a simulation account"), nil, nil
		}
		target := sdk.AccAddress(fmt.Appendf(nil, "sim-frozen-%09d", r.Intn(3)))
		var msg sdk.Msg = &types.MsgFreezeAccount{Authority: reg.Address.String(), Address: target.String(), Reason: "simulation"}
		if k.IsFrozen(ctx, target) {
			msg = &types.MsgUnfreezeAccount{Authority: reg.Address.String(), Address: target.String(), Reason: "simulation"}
		}
		return deliver(r, app, ctx, txConfig, ak, reg, msg)
	}
}
