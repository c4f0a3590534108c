package app

// Contracts go around the gate: wasm lets a contract dispatch any SDK
// message with itself as signer, and the ante gate reads only a tx's own
// messages. These tests send gated messages through wasmd's reflect test
// contract (which dispatches whatever its owner asks) and require each to be
// refused with the gate's error, leaving state unchanged. They failed before
// the router check (router.go) and the contract allow list (wasm.go): the
// validator was created, the code stored, the deposit made, the frozen
// accounts' coins moved.

import (
	"testing"

	sdkmath "cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

func TestReflectContract_WrongRoleCannotCreateValidator(t *testing.T) {
	e := newGateEnv(t)
	e.deployReflect(e.inst) // an INSTITUTION, not a VALIDATOR_OPERATOR, owns contract 1
	c := gateContract(1)
	before, err := e.app.StakingKeeper.GetAllValidators(e.ctx())
	require.NoError(t, err)

	pk := ed25519.GenPrivKeyFromSecret([]byte("gate/forwarded-validator")).PubKey()
	create, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(c).String(), pk,
		sdk.NewInt64Coin(BondDenom, 1_000_000), stakingtypes.Description{Moniker: "forwarded"},
		stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		sdkmath.OneInt())
	require.NoError(t, err)
	e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c, create)}, "unauthorized", "MsgCreateValidator")

	after, err := e.app.StakingKeeper.GetAllValidators(e.ctx())
	require.NoError(t, err)
	require.Len(t, after, len(before), "a validator was created through the contract")
}

func TestReflectContract_WrongRoleCannotStoreCode(t *testing.T) {
	e := newGateEnv(t)
	e.deployReflect(e.inst)
	store := &wasmtypes.MsgStoreCode{Sender: gateContract(1).String(), WASMByteCode: reflectWasm(t)}
	e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, gateContract(1), store)}, "unauthorized", "MsgStoreCode")
	require.Nil(t, e.app.WasmKeeper.GetCodeInfo(e.ctx(), 2), "code stored through the contract")
}

// An unlicensed contract (1) and a contract licensed with the wrong role (2,
// ORACLE_FEEDER) cannot reach the exchange, even for an owner who could.
func TestReflectContract_UnlicensedOrWrongRoleCannotTrade(t *testing.T) {
	e := newGateEnv(t, compliancetypes.Licence{Address: gateContract(2).String(), EntityId: 1,
		Roles: []compliancetypes.Role{compliancetypes.RoleOracleFeeder}, IssuedAt: detGenesisTime})
	e.deployReflect(e.inst, e.inst)
	for _, c := range []sdk.AccAddress{gateContract(1), gateContract(2)} {
		before := e.balance(c, BondDenom)
		deposit := &exchangetypes.MsgDeposit{Owner: c.String(), Amount: sdk.NewInt64Coin(BondDenom, 1_000)}
		e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c, deposit)}, "unauthorized", "MsgDeposit")
		place := &exchangetypes.MsgPlaceOrder{Owner: c.String(), Order: exchangetypes.OrderSpec{MarketId: 1,
			Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: 1, Quantity: 1}}
		e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c, place)}, "unauthorized")
		require.Equal(t, before, e.balance(c, BondDenom), "contract %s: funds moved", c)
	}
	// The unlicensed account cannot even call the contract (fee paid).
	r := e.deliverFee(feeTx{signers: []*detAccount{e.plain}, msgs: []sdk.Msg{e.reflect(e.plain, gateContract(1))}, fee: uclear(1_000)})
	require.NotZero(t, r.Code)
	require.Contains(t, r.Log, "no licence")
}

// Frozen accounts cannot keep acting through a contract: a frozen contract
// dispatches nothing, and a frozen account's authz grant to a contract is
// dead.
func TestReflectContract_FrozenCannotKeepActing(t *testing.T) {
	e := newGateEnv(t)
	e.deployReflect(e.inst, e.inst)
	c1, c2 := gateContract(1), gateContract(2)
	// The feeder lets contract 2 spend its coins, then is frozen.
	grant, err := authz.NewMsgGrant(e.feeder.addr, c2, banktypes.NewSendAuthorization(
		sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000)), nil), nil)
	require.NoError(t, err)
	e.mustDeliver(e.feeder, grant)
	reg := e.regulator.addr.String()
	e.mustDeliver(e.regulator,
		&compliancetypes.MsgFreezeAccount{Authority: reg, Address: c1.String(), Reason: "forwarder under investigation"},
		&compliancetypes.MsgFreezeAccount{Authority: reg, Address: e.feeder.addr.String(), Reason: "sanctions"})

	c1Before, feederBefore := e.balance(c1, BondDenom), e.balance(e.feeder.addr, BondDenom)
	send := &banktypes.MsgSend{FromAddress: c1.String(), ToAddress: e.inst.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000))}
	e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c1, send)}, "unauthorized", "is frozen")

	fromFrozen := &banktypes.MsgSend{FromAddress: e.feeder.addr.String(), ToAddress: e.inst.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000))}
	exec := authz.NewMsgExec(c2, []sdk.Msg{fromFrozen})
	e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c2, &exec)}, "unauthorized", "is frozen")

	require.Equal(t, c1Before, e.balance(c1, BondDenom), "the frozen contract moved coins")
	require.Equal(t, feederBefore, e.balance(e.feeder.addr, BondDenom), "the frozen granter's coins moved")
	// A frozen owner cannot call its contract either (the ante gate).
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: reg, Address: e.inst.addr.String(), Reason: "x"})
	e.refused(e.inst, []sdk.Msg{e.reflect(e.inst, c2)}, "is frozen")
}

// What contracts may dispatch is an allow list: an unlicensed contract may
// still move its own coins (bank send is not gated), and a frozen one not.
func TestReflectContract_AllowedMessagesStillWork(t *testing.T) {
	e := newGateEnv(t, compliancetypes.Licence{Address: gateContract(2).String(), EntityId: 1,
		Roles: []compliancetypes.Role{compliancetypes.RoleInstitution}, IssuedAt: detGenesisTime})
	e.deployReflect(e.inst, e.inst)
	c := gateContract(1)
	before := e.balance(e.inst.addr, BondDenom)
	send := &banktypes.MsgSend{FromAddress: c.String(), ToAddress: e.inst.addr.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000))}
	e.mustDeliver(e.inst, e.reflect(e.inst, c, send))
	require.Equal(t, before+1_000, e.balance(e.inst.addr, BondDenom))
	// A contract the regulator licensed (INSTITUTION) reaches the exchange.
	c2 := gateContract(2)
	before = e.balance(c2, BondDenom)
	e.mustDeliver(e.inst, e.reflect(e.inst, c2, &exchangetypes.MsgDeposit{Owner: c2.String(), Amount: sdk.NewInt64Coin(BondDenom, 1_000)}))
	require.Equal(t, before-1_000, e.balance(c2, BondDenom))
}

// Governance acts as an authority: a message the gov module account signs
// (as a passed proposal executes it) passes the router check, here a code
// upload, which needs ISSUER of anyone else.
func TestRouter_GovernancePassesAsAuthority(t *testing.T) {
	e := newGateEnv(t)
	ctx := e.ctx().WithBlockHeight(e.height + 1)
	store := &wasmtypes.MsgStoreCode{Sender: govAuthority(), WASMByteCode: reflectWasm(t)}
	_, err := e.app.MsgServiceRouter().Handler(store)(ctx, store)
	require.NoError(t, err)
	byInst := &wasmtypes.MsgStoreCode{Sender: e.inst.addr.String(), WASMByteCode: reflectWasm(t)}
	_, err = e.app.MsgServiceRouter().Handler(byInst)(ctx, byInst)
	require.ErrorContains(t, err, "lacks licence role ISSUER")
}

// The router check runs before every handler, however it is reached: the
// ADR 031 handler (txs, contracts, authz, gov) and the router's hybrid
// handler.
func TestRouter_ChecksEveryHandler(t *testing.T) {
	e := newGateEnv(t)
	e.freeze(e.inst.addr)
	ctx := e.ctx().WithBlockHeight(e.height + 1)
	send := &banktypes.MsgSend{FromAddress: e.inst.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}
	_, err := e.app.MsgServiceRouter().Handler(send)(ctx, send)
	require.ErrorContains(t, err, "is frozen")
	hybrid := e.app.MsgServiceRouter().HybridHandlerByMsgName("cosmos.bank.v1beta1.MsgSend")
	require.NotNil(t, hybrid)
	require.ErrorContains(t, hybrid(ctx, send, &banktypes.MsgSendResponse{}), "is frozen")
	// A licensed, unfrozen sender passes both.
	ok := &banktypes.MsgSend{FromAddress: e.feeder.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}
	_, err = e.app.MsgServiceRouter().Handler(ok)(ctx, ok)
	require.NoError(t, err)
	require.NoError(t, hybrid(ctx, ok, &banktypes.MsgSendResponse{}))
}

// TestRouter_NewMessagesRefusedOnEveryEntry: the messages this wave added
// are refused on the router path every entry takes (a tx after the ante, a
// contract's dispatch, authz MsgExec's inner messages and governance all
// call the router's Handler): MsgInjectedVotes from anyone, the oracle
// module account included (only the proposer's injected tx carries it, and
// the tx runner skips it); MsgForceCancel from anyone but the regulator,
// governance included (it passes the gate as an authority; the exchange
// keeper still wants the compliance regulator).
func TestRouter_NewMessagesRefusedOnEveryEntry(t *testing.T) {
	e := newGateEnv(t)
	ctx := e.ctx().WithBlockHeight(e.height + 1)
	route := func(msg sdk.Msg) error {
		_, err := e.app.MsgServiceRouter().Handler(msg)(ctx, msg)
		return err
	}
	for _, signer := range []string{
		authtypes.NewModuleAddress(oracletypes.ModuleName).String(), govAuthority(), e.feeder.addr.String(),
	} {
		err := route(&oracletypes.MsgInjectedVotes{Authority: signer, ExtendedCommitInfo: []byte{1}})
		require.ErrorIs(t, err, oracletypes.ErrInjectedVotesMsg, "MsgInjectedVotes signed by %s", signer)
	}
	for _, signer := range []string{govAuthority(), e.inst.addr.String()} {
		err := route(&exchangetypes.MsgForceCancel{Authority: signer, Reason: "not the regulator", Account: e.inst.addr.String()})
		require.Error(t, err, "MsgForceCancel signed by %s", signer)
	}
	// The regulator's own force-cancel passes the router.
	require.NoError(t, route(&exchangetypes.MsgForceCancel{
		Authority: e.regulator.addr.String(), Reason: "investigation", Account: e.inst.addr.String()}))
}
