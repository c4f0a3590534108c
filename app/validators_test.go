package app

// Tests of the permissioned validator set (validators.go) and of the gate
// entries for staking, slashing and governance messages (ante.go), driving
// the real app: a genesis built from real gentxs, InitChain, then signed
// transactions through FinalizeBlock + Commit.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

var valGenesisTime = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

const valSelfBond = 10_000_000 // uclear: consensus power 10

// valOperator is a genesis validator: its operator account (which signs the
// gentx) and its consensus key.
type valOperator struct {
	*detAccount
	cons cryptotypes.PrivKey
}

func (o valOperator) valoper() string { return sdk.ValAddress(o.addr).String() }

// valWorld is a chain of len(ops) validators, a regulator, a licensed
// institution and an unlicensed (but funded) outsider.
type valWorld struct {
	regulator, institution, outsider *detAccount
	ops                              []valOperator
	all                              []*detAccount
}

func newValWorld(validators int) *valWorld {
	w := &valWorld{
		regulator:   newDetAccount("val/regulator"),
		institution: newDetAccount("val/institution"),
		outsider:    newDetAccount("val/outsider"),
	}
	w.all = []*detAccount{w.regulator, w.institution, w.outsider}
	for i := 0; i < validators; i++ {
		op := valOperator{
			detAccount: newDetAccount(fmt.Sprintf("val/operator%d", i)),
			cons:       ed25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("clearchain-validators/cons%d", i))),
		}
		w.ops = append(w.ops, op)
		w.all = append(w.all, op.detAccount)
	}
	for i, a := range w.all {
		a.num, a.seq = uint64(i), 0
	}
	return w
}

// signTx signs msgs by from with its next sequence; genesis txs sign with
// account number 0, as the SDK's gentx does, and pay no fee. Other txs pay
// the floor an unlicensed signer owes (app.UnlicensedMinGasPrice), so the
// refusals these tests expect come from the gate, not from the fee.
func signTx(t *testing.T, txCfg client.TxConfig, from *detAccount, genesis bool, msgs ...sdk.Msg) sdk.Tx {
	t.Helper()
	mode, err := authsign.APISignModeToInternal(txCfg.SignModeHandler().DefaultMode())
	require.NoError(t, err)
	b := txCfg.NewTxBuilder()
	require.NoError(t, b.SetMsgs(msgs...))
	b.SetGasLimit(detGasLimit)
	num := from.num
	if genesis {
		num = 0
	} else {
		floor := UnlicensedMinGasPrice()
		b.SetFeeAmount(sdk.NewCoins(sdk.NewCoin(floor.Denom, floor.Amount.MulInt64(int64(detGasLimit)).Ceil().TruncateInt())))
	}
	pub := from.priv.PubKey()
	sig := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: from.seq}
	require.NoError(t, b.SetSignatures(sig))
	bz, err := authsign.GetSignBytesAdapter(context.Background(), txCfg.SignModeHandler(), mode, authsign.SignerData{
		Address: from.addr.String(), ChainID: simChainID, AccountNumber: num, Sequence: from.seq, PubKey: pub,
	}, b.GetTx())
	require.NoError(t, err)
	sig.Data.(*signing.SingleSignatureData).Signature, err = from.priv.Sign(bz)
	require.NoError(t, err)
	require.NoError(t, b.SetSignatures(sig))
	from.seq++
	return b.GetTx()
}

// genesis builds the app state: funded accounts, the regulator, one entity
// per operator, the compliance licences and freezes edit gives, and one
// real gentx (MsgCreateValidator) per operator.
func (w *valWorld) genesis(t *testing.T, a *ClearApp, edit func(*compliancetypes.GenesisState)) []byte {
	cdc := a.AppCodec()
	state := a.DefaultGenesis()
	var genAccs []authtypes.GenesisAccount
	bank := banktypes.DefaultGenesisState()
	for _, acc := range w.all {
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.addr, nil, acc.num, 0))
		coins := sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000_000))
		bank.Balances = append(bank.Balances, banktypes.Balance{Address: acc.addr.String(), Coins: coins})
		bank.Supply = bank.Supply.Add(coins...)
	}
	packed, err := authtypes.PackAccounts(genAccs)
	require.NoError(t, err)
	authGen := authtypes.DefaultGenesisState()
	authGen.Accounts = packed
	state[authtypes.ModuleName] = cdc.MustMarshalJSON(authGen)
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(bank)

	comp := compliancetypes.DefaultGenesis()
	comp.Params.Authority = w.regulator.addr.String()
	comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: 1, Name: "Institution SA", Lei: "VALTESTLEI0000000001", Jurisdiction: "LU"})
	comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: w.institution.addr.String(), EntityId: 1,
		Roles: []compliancetypes.Role{compliancetypes.RoleInstitution}, IssuedAt: valGenesisTime})
	for i, op := range w.ops {
		id := uint64(i + 2)
		comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: id, Name: fmt.Sprintf("Validator %d SA", i),
			Lei: fmt.Sprintf("VALTESTLEI%010d", id), Jurisdiction: "LU"})
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: op.addr.String(), EntityId: id,
			Roles: []compliancetypes.Role{compliancetypes.RoleValidatorOperator}, IssuedAt: valGenesisTime})
	}
	comp.NextEntityId = uint64(len(w.ops) + 2)
	if edit != nil {
		edit(comp)
	}
	state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)

	txCfg := a.TxConfig()
	var gentxs []json.RawMessage
	for i, op := range w.ops {
		msg, err := stakingtypes.NewMsgCreateValidator(op.valoper(), op.cons.PubKey(),
			sdk.NewInt64Coin(BondDenom, valSelfBond), stakingtypes.NewDescription(fmt.Sprintf("val%d", i), "", "", "", ""),
			stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
			sdkmath.OneInt())
		require.NoError(t, err)
		bz, err := txCfg.TxJSONEncoder()(signTx(t, txCfg, op.detAccount, true, msg))
		require.NoError(t, err)
		gentxs = append(gentxs, bz)
	}
	state[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{GenTxs: gentxs})
	bz, err := json.Marshal(state)
	require.NoError(t, err)
	return bz
}

// valChain is one app driven block by block.
type valChain struct {
	t   *testing.T
	w   *valWorld
	app *ClearApp
	h   int64
}

// initValChain runs InitChain on a fresh app with w's genesis, edited by
// edit; it returns the app and InitChain's error.
func initValChain(t *testing.T, w *valWorld, edit func(*compliancetypes.GenesisState)) (*valChain, error) {
	a := newSimApp(t, dbm.NewMemDB(), t.TempDir())
	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	_, err := a.InitChain(&abci.RequestInitChain{
		ChainId: simChainID, InitialHeight: 1, Time: valGenesisTime,
		ConsensusParams: &cp, AppStateBytes: w.genesis(t, a, edit),
	})
	return &valChain{t: t, w: w, app: a}, err
}

// block finalizes and commits the next block with one tx per entry of txs.
func (c *valChain) block(txs ...sdk.Tx) *abci.ResponseFinalizeBlock {
	t := c.t
	c.h++
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		bz, err := c.app.TxConfig().TxEncoder()(tx)
		require.NoError(t, err)
		raw[i] = bz
	}
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: raw, Height: c.h, Time: valGenesisTime.Add(time.Duration(c.h) * 5 * time.Second),
		ProposerAddress: c.w.ops[0].cons.PubKey().Address(),
	})
	require.NoError(t, err, "height %d", c.h)
	_, err = c.app.Commit()
	require.NoError(t, err, "commit %d", c.h)
	// A tx the ante refuses does not use its sequence: read them back.
	ctx := c.ctx()
	for _, a := range c.w.all {
		if acc := c.app.AccountKeeper.GetAccount(ctx, a.addr); acc != nil {
			a.num, a.seq = acc.GetAccountNumber(), acc.GetSequence()
		}
	}
	return res
}

// send delivers one tx of msgs signed by from in its own block and returns
// its result.
func (c *valChain) send(from *detAccount, msgs ...sdk.Msg) *abci.ExecTxResult {
	res := c.block(signTx(c.t, c.app.TxConfig(), from, false, msgs...))
	require.Len(c.t, res.TxResults, 1)
	return res.TxResults[0]
}

func (c *valChain) ctx() sdk.Context {
	return c.app.NewContextLegacy(true, cmtproto.Header{Height: c.app.LastBlockHeight(), ChainID: simChainID})
}

// powers returns the last committed validator set: valoper -> power.
func (c *valChain) powers() map[string]int64 {
	out := map[string]int64{}
	require.NoError(c.t, c.app.StakingKeeper.IterateLastValidatorPowers(c.ctx(), func(op sdk.ValAddress, power int64) bool {
		out[op.String()] = power
		return false
	}))
	return out
}

// removed reports whether the block's validator updates take op's power away.
func removed(res *abci.ResponseFinalizeBlock, op valOperator) bool {
	for _, u := range res.ValidatorUpdates {
		if bytes.Equal(u.PubKey.GetEd25519(), op.cons.PubKey().Bytes()) && u.Power == 0 {
			return true
		}
	}
	return false
}

// TestGenesisUnlicensedValidatorRefused: InitChain refuses a genesis whose
// gentx creates a validator for an operator without an active
// VALIDATOR_OPERATOR licence (none, another role, frozen), and names the
// validator. Before checkGenesisValidators, every case was accepted.
func TestGenesisUnlicensedValidatorRefused(t *testing.T) {
	cases := []struct {
		name string
		edit func(w *valWorld) func(*compliancetypes.GenesisState)
		want string // in the error; "" for a chain that starts
	}{
		{"every operator licensed", func(*valWorld) func(*compliancetypes.GenesisState) { return nil }, ""},
		{"operator without a licence", func(w *valWorld) func(*compliancetypes.GenesisState) {
			return func(gs *compliancetypes.GenesisState) { gs.Licences = gs.Licences[:2] } // institution, operator0
		}, "no licence"},
		{"operator licensed as an institution", func(w *valWorld) func(*compliancetypes.GenesisState) {
			return func(gs *compliancetypes.GenesisState) {
				gs.Licences[2].Roles = []compliancetypes.Role{compliancetypes.RoleInstitution}
			}
		}, "not VALIDATOR_OPERATOR"},
		{"operator frozen", func(w *valWorld) func(*compliancetypes.GenesisState) {
			return func(gs *compliancetypes.GenesisState) {
				gs.Freezes = append(gs.Freezes, compliancetypes.Freeze{Address: w.ops[1].addr.String(), Reason: "sanctions"})
			}
		}, "frozen"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newValWorld(2)
			c, err := initValChain(t, w, tc.edit(w))
			if tc.want == "" {
				require.NoError(t, err)
				c.block()
				require.Len(t, c.powers(), 2)
				return
			}
			require.Error(t, err, "InitChain accepted an unlicensed genesis validator")
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), w.ops[1].valoper(), "the error names the validator")
			require.Contains(t, err.Error(), "VALIDATOR_OPERATOR")
		})
	}
}

// TestRevokedOperatorValidatorJailed: the regulator revokes the licence of
// one of three validators' operators; that block's validator updates take
// its power away, it is jailed, the audit trail says so, and the chain
// keeps committing with the other two. Its MsgUnjail is refused until the
// regulator licenses the operator again; then it unjails and returns.
func TestRevokedOperatorValidatorJailed(t *testing.T) {
	w := newValWorld(3)
	c, err := initValChain(t, w, nil)
	require.NoError(t, err)
	c.block()
	require.Len(t, c.powers(), 3)

	victim := w.ops[2]
	res := c.block(signTx(t, c.app.TxConfig(), w.regulator, false, &compliancetypes.MsgRevokeLicence{
		Authority: w.regulator.addr.String(), Address: victim.addr.String(), Reason: "licence withdrawn",
	}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.True(t, removed(res, victim), "the revocation block's EndBlock does not remove the validator's power: %v", res.ValidatorUpdates)
	v, err := c.app.StakingKeeper.GetValidator(c.ctx(), sdk.ValAddress(victim.addr))
	require.NoError(t, err)
	require.True(t, v.IsJailed())
	require.NotContains(t, c.powers(), victim.valoper())
	require.Len(t, c.powers(), 2)
	audited := false
	require.NoError(t, c.app.ComplianceKeeper.Audit.Walk(c.ctx(), nil, func(_ uint64, r compliancetypes.AuditRecord) (bool, error) {
		audited = audited || (r.Action == auditActionJailValidator && r.Subject == victim.valoper() && strings.Contains(r.Details, "revoked"))
		return false, nil
	}))
	require.True(t, audited, "no jail_validator audit record")

	// The chain goes on with two validators.
	for i := 0; i < 3; i++ {
		c.block()
	}
	require.Len(t, c.powers(), 2)

	// Unjail without a licence: refused by the gate.
	unjail := &slashingtypes.MsgUnjail{ValidatorAddr: victim.valoper()}
	r := c.send(victim.detAccount, unjail)
	require.NotZero(t, r.Code, "an unlicensed operator unjailed")
	require.Contains(t, r.Log, "VALIDATOR_OPERATOR")

	// Licensed again: the unjail goes through and the power returns.
	r = c.send(w.regulator, &compliancetypes.MsgGrantLicence{Authority: w.regulator.addr.String(),
		Address: victim.addr.String(), EntityId: 4, Roles: []compliancetypes.Role{compliancetypes.RoleValidatorOperator}, Reason: "licence reinstated after review"})
	require.Zero(t, r.Code, r.Log)
	r = c.send(victim.detAccount, unjail)
	require.Zero(t, r.Code, r.Log)
	c.block()
	require.Len(t, c.powers(), 3)
}

// TestFrozenOperatorValidatorJailed: a freeze jails the operator's
// validator like a revocation; a freeze of an account that operates no
// validator changes no power; and the last validator with power is never
// jailed (an empty set would halt the chain): that is audited instead.
func TestFrozenOperatorValidatorJailed(t *testing.T) {
	w := newValWorld(2)
	c, err := initValChain(t, w, nil)
	require.NoError(t, err)
	c.block()
	freeze := func(who *detAccount) *abci.ResponseFinalizeBlock {
		res := c.block(signTx(t, c.app.TxConfig(), w.regulator, false, &compliancetypes.MsgFreezeAccount{
			Authority: w.regulator.addr.String(), Address: who.addr.String(), Reason: "court order",
		}))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		return res
	}

	res := freeze(w.institution)
	require.Empty(t, res.ValidatorUpdates, "freezing a non-operator changed the validator set")

	res = freeze(w.ops[1].detAccount)
	require.True(t, removed(res, w.ops[1]), "the frozen operator's validator kept its power")
	require.Len(t, c.powers(), 1)

	// The last one stays, audited.
	res = freeze(w.ops[0].detAccount)
	require.Empty(t, res.ValidatorUpdates)
	require.Len(t, c.powers(), 1)
	kept := false
	require.NoError(t, c.app.ComplianceKeeper.Audit.Walk(c.ctx(), nil, func(_ uint64, r compliancetypes.AuditRecord) (bool, error) {
		kept = kept || (r.Action == auditActionKeepLastValidator && r.Subject == w.ops[0].valoper())
		return false, nil
	}))
	require.True(t, kept, "keeping the last validator is not audited")
	c.block()
}

// TestUnlicensedStakeAndGovernanceRefused: an unlicensed account may not
// delegate, redelegate, propose, deposit or vote (v1 and v1beta1), and a
// licensed one may; an account whose licence was revoked may still
// undelegate (exit) but not delegate again.
func TestUnlicensedStakeAndGovernanceRefused(t *testing.T) {
	w := newValWorld(2)
	c, err := initValChain(t, w, nil)
	require.NoError(t, err)
	c.block()
	val0, val1 := w.ops[0].valoper(), w.ops[1].valoper()
	coin := sdk.NewInt64Coin(BondDenom, 1_000_000)
	deposit := sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 10_000_000))
	proposal := func(proposer *detAccount) sdk.Msg {
		m, err := govv1.NewMsgSubmitProposal(nil, deposit, proposer.addr.String(), "text", "Replace the regulator", "a text proposal", false)
		require.NoError(t, err)
		return m
	}

	// A licensed institution delegates and opens a proposal; validators vote.
	inst := w.institution
	r := c.send(inst, stakingtypes.NewMsgDelegate(inst.addr.String(), val0, coin))
	require.Zero(t, r.Code, r.Log)
	r = c.send(inst, proposal(inst))
	require.Zero(t, r.Code, r.Log)
	r = c.send(w.ops[0].detAccount, govv1.NewMsgVote(w.ops[0].addr, 1, govv1.OptionYes, ""))
	require.Zero(t, r.Code, r.Log)

	out := w.outsider
	o := out.addr.String()
	for _, tc := range []struct {
		name string
		msg  sdk.Msg
	}{
		{"delegate", stakingtypes.NewMsgDelegate(o, val0, coin)},
		{"redelegate", stakingtypes.NewMsgBeginRedelegate(o, val0, val1, coin)},
		{"cancel unbonding", stakingtypes.NewMsgCancelUnbondingDelegation(o, val0, 1, coin)},
		{"submit proposal", proposal(out)},
		{"deposit", govv1.NewMsgDeposit(out.addr, 1, deposit)},
		{"vote", govv1.NewMsgVote(out.addr, 1, govv1.OptionNo, "")},
		{"weighted vote", govv1.NewMsgVoteWeighted(out.addr, 1, govv1.WeightedVoteOptions{govv1.NewWeightedVoteOption(govv1.OptionNo, sdkmath.LegacyOneDec())}, "")},
		{"v1beta1 vote", govv1beta1.NewMsgVote(out.addr, 1, govv1beta1.OptionNo)},
		{"v1beta1 deposit", govv1beta1.NewMsgDeposit(out.addr, 1, deposit)},
	} {
		t.Run("unlicensed "+tc.name, func(t *testing.T) {
			r := c.send(out, tc.msg)
			require.NotZero(t, r.Code, "an unlicensed account could %s", tc.name)
			require.Contains(t, r.Log, "lacks any licence role")
		})
	}

	// The institution loses its licence: it may leave, not come back.
	r = c.send(w.regulator, &compliancetypes.MsgRevokeLicence{Authority: w.regulator.addr.String(), Address: inst.addr.String(), Reason: "expired mandate"})
	require.Zero(t, r.Code, r.Log)
	r = c.send(inst, stakingtypes.NewMsgDelegate(inst.addr.String(), val0, coin))
	require.NotZero(t, r.Code, "a revoked account delegated")
	r = c.send(inst, stakingtypes.NewMsgUndelegate(inst.addr.String(), val0, coin))
	require.Zero(t, r.Code, "a revoked account cannot undelegate: %s", r.Log)
}
