package app

// gateEnv: a small real chain for the gate tests (router_test.go,
// fees_test.go): a few licensed, unlicensed and frozen accounts, driven
// block by block through FinalizeBlock + Commit with real signed txs.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	wasmvmtypes "github.com/CosmWasm/wasmvm/v3/types"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// gateEnv is one app instance with a fixed cast.
type gateEnv struct {
	t      *testing.T
	app    *ClearApp
	signer *detChain // only its sign method is used
	valSet *cmttypes.ValidatorSet
	height int64

	regulator *detAccount
	issuer    *detAccount // ISSUER
	inst      *detAccount // INSTITUTION
	feeder    *detAccount // ORACLE_FEEDER
	plain     *detAccount // funded, no licence
	all       []*detAccount
}

// gateContract returns the address of the n-th contract instantiated (from
// code 1): classic addresses are deterministic, so genesis can license them.
func gateContract(n uint64) sdk.AccAddress { return wasmkeeper.BuildContractAddressClassic(1, n) }

// newGateEnv starts a chain; licences add genesis licences (the contracts'
// included) on top of the cast's.
func newGateEnv(t *testing.T, licences ...compliancetypes.Licence) *gateEnv {
	e := &gateEnv{t: t,
		regulator: newDetAccount("gate-regulator"), issuer: newDetAccount("gate-issuer"),
		inst: newDetAccount("gate-institution"), feeder: newDetAccount("gate-feeder"),
		plain: newDetAccount("gate-plain"),
	}
	e.all = []*detAccount{e.regulator, e.issuer, e.inst, e.feeder, e.plain}
	valPub := cmted25519.GenPrivKeyFromSecret([]byte("clearchain-gate/validator")).PubKey()
	e.valSet = cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(valPub, 1)})
	e.app = newSimApp(t, dbm.NewMemDB(), t.TempDir())
	e.signer = &detChain{t: t, txCfg: e.app.TxConfig()}

	cdc := e.app.AppCodec()
	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for i, acc := range e.all {
		acc.num, acc.seq = uint64(i), 0
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.addr, nil, uint64(i), 0))
		balances = append(balances, banktypes.Balance{Address: acc.addr.String(),
			Coins: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000_000_000))})
	}
	state, err := simtestutil.GenesisStateWithValSet(cdc, e.app.DefaultGenesis(), e.valSet, genAccs, balances...)
	require.NoError(t, err)
	comp := compliancetypes.DefaultGenesis()
	comp.Params.Authority = e.regulator.addr.String()
	comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: 1, Name: "Gate Test SA", Lei: "5493001KJTIIGC8Y1R12", Jurisdiction: "DE"})
	comp.NextEntityId = 2
	lic := func(a sdk.AccAddress, roles ...compliancetypes.Role) compliancetypes.Licence {
		return compliancetypes.Licence{Address: a.String(), EntityId: 1, Roles: roles, IssuedAt: detGenesisTime}
	}
	comp.Licences = append(comp.Licences,
		lic(e.issuer.addr, compliancetypes.RoleIssuer),
		lic(e.inst.addr, compliancetypes.RoleInstitution),
		lic(e.feeder.addr, compliancetypes.RoleOracleFeeder),
		// InitChain requires the genesis validator's operator to hold
		// VALIDATOR_OPERATOR (GenesisStateWithValSet: operator = consensus address bytes).
		lic(sdk.AccAddress(e.valSet.Validators[0].Address), compliancetypes.RoleValidatorOperator))
	comp.Licences = append(comp.Licences, licences...)
	state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)
	bz, err := json.Marshal(state)
	require.NoError(t, err)

	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	_, err = e.app.InitChain(&abci.RequestInitChain{
		ChainId: simChainID, InitialHeight: 1, Time: detGenesisTime, ConsensusParams: &cp, AppStateBytes: bz,
	})
	require.NoError(t, err)
	e.deliverRaw() // block 1 commits the genesis state
	return e
}

// deliverRaw finalizes and commits the next block with already signed txs.
func (e *gateEnv) deliverRaw(raw ...[]byte) []*abci.ExecTxResult {
	e.height++
	res, err := e.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: raw, Height: e.height, Time: blockTime(e.height),
		NextValidatorsHash: e.valSet.Hash(), ProposerAddress: e.valSet.Validators[0].Address,
	})
	require.NoError(e.t, err, "height %d", e.height)
	_, err = e.app.Commit()
	require.NoError(e.t, err, "commit %d", e.height)
	return res.TxResults
}

// deliver signs (no fee) and delivers txs in one block.
func (e *gateEnv) deliver(txs ...detTx) []*abci.ExecTxResult {
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		raw[i] = e.signer.sign(tx)
	}
	return e.deliverRaw(raw...)
}

// mustDeliver delivers one tx and requires it to succeed.
func (e *gateEnv) mustDeliver(from *detAccount, msgs ...sdk.Msg) *abci.ExecTxResult {
	r := e.deliver(detTx{from, msgs})[0]
	require.Zero(e.t, r.Code, "tx of %s failed: %s", from.name, r.Log)
	return r
}

// refused delivers one tx and requires it to fail with a log containing
// every want string. Its signer's sequence is not consumed (the ante
// increments it only for a tx that passes the ante: a tx refused by a
// message handler still consumes it).
func (e *gateEnv) refused(from *detAccount, msgs []sdk.Msg, want ...string) *abci.ExecTxResult {
	e.t.Helper()
	r := e.deliver(detTx{from, msgs})[0]
	require.NotZero(e.t, r.Code, "tx of %s passed, want refused (%v)", from.name, want)
	for _, w := range want {
		require.Contains(e.t, r.Log, w)
	}
	e.resync(from)
	return r
}

// resync reads an account's sequence back from the committed state.
func (e *gateEnv) resync(a *detAccount) {
	acc := e.app.AccountKeeper.GetAccount(e.ctx(), a.addr)
	require.NotNil(e.t, acc)
	a.seq = acc.GetSequence()
}

// ctx is a query context on the committed state.
func (e *gateEnv) ctx() sdk.Context {
	return e.app.NewContextLegacy(true, cmtproto.Header{Height: e.app.LastBlockHeight(), ChainID: simChainID, Time: blockTime(e.height)})
}

// reflectWasm reads wasmd's reflect test contract from the wasmd module in
// the module cache (never copied into this repository).
func reflectWasm(t *testing.T) []byte {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CosmWasm/wasmd").Output()
	require.NoError(t, err, "locating the wasmd module")
	bz, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "x", "wasm", "keeper", "testdata", "reflect_2_0.wasm"))
	require.NoError(t, err)
	return bz
}

// deployReflect stores the reflect contract (code 1) as the issuer, then
// instantiates n instances (contracts 1..n) and hands each to its owner.
func (e *gateEnv) deployReflect(owners ...*detAccount) {
	e.mustDeliver(e.issuer, &wasmtypes.MsgStoreCode{Sender: e.issuer.addr.String(), WASMByteCode: reflectWasm(e.t)})
	for i, owner := range owners {
		e.mustDeliver(e.issuer, &wasmtypes.MsgInstantiateContract{
			Sender: e.issuer.addr.String(), CodeID: 1, Label: "reflect", Msg: []byte(`{}`),
			Funds: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 10_000_000)),
		})
		addr := gateContract(uint64(i + 1))
		require.NotNil(e.t, e.app.WasmKeeper.GetContractInfo(e.ctx(), addr), "contract %d", i+1)
		change, _ := json.Marshal(map[string]any{"change_owner": map[string]string{"owner": owner.addr.String()}})
		e.mustDeliver(e.issuer, &wasmtypes.MsgExecuteContract{Sender: e.issuer.addr.String(), Contract: addr.String(), Msg: change})
	}
}

// reflect is the MsgExecuteContract by which from has contract dispatch
// msgs (as CosmosMsg::Any, the contract being their signer).
func (e *gateEnv) reflect(from *detAccount, contract sdk.AccAddress, msgs ...sdk.Msg) *wasmtypes.MsgExecuteContract {
	e.t.Helper()
	var cosmos []wasmvmtypes.CosmosMsg
	for _, m := range msgs {
		a, err := codectypes.NewAnyWithValue(m)
		require.NoError(e.t, err)
		cosmos = append(cosmos, wasmvmtypes.CosmosMsg{Any: &wasmvmtypes.AnyMsg{TypeURL: a.TypeUrl, Value: a.Value}})
	}
	bz, err := json.Marshal(map[string]any{"reflect_msg": map[string]any{"msgs": cosmos}})
	require.NoError(e.t, err)
	return &wasmtypes.MsgExecuteContract{Sender: from.addr.String(), Contract: contract.String(), Msg: bz}
}

// balance is an account's bank balance of denom in the committed state.
func (e *gateEnv) balance(addr sdk.AccAddress, denom string) int64 {
	return e.app.BankKeeper.GetBalance(e.ctx(), addr, denom).Amount.Int64()
}

// feeTx is a tx with a fee, an optional fee payer and granter, signed by
// signers in the order the tx names them (the messages' signers, then the
// fee payer if it is another account).
type feeTx struct {
	signers []*detAccount
	msgs    []sdk.Msg
	fee     sdk.Coins
	gas     uint64
	payer   sdk.AccAddress
	granter sdk.AccAddress
}

// signFee signs tx (SIGN_MODE_DIRECT) and consumes each signer's sequence.
func (e *gateEnv) signFee(tx feeTx) []byte {
	t := e.t
	cfg := e.app.TxConfig()
	mode, err := authsign.APISignModeToInternal(cfg.SignModeHandler().DefaultMode())
	require.NoError(t, err)
	b := cfg.NewTxBuilder()
	require.NoError(t, b.SetMsgs(tx.msgs...))
	if tx.gas == 0 {
		tx.gas = 400_000
	}
	b.SetGasLimit(tx.gas)
	b.SetFeeAmount(tx.fee)
	if tx.payer != nil {
		b.SetFeePayer(tx.payer)
	}
	if tx.granter != nil {
		b.SetFeeGranter(tx.granter)
	}
	sigs := make([]signing.SignatureV2, len(tx.signers))
	for i, s := range tx.signers {
		sigs[i] = signing.SignatureV2{PubKey: s.priv.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: s.seq}
	}
	require.NoError(t, b.SetSignatures(sigs...))
	for i, s := range tx.signers {
		bz, err := authsign.GetSignBytesAdapter(context.Background(), cfg.SignModeHandler(), mode, authsign.SignerData{
			Address: s.addr.String(), ChainID: simChainID, AccountNumber: s.num, Sequence: s.seq, PubKey: s.priv.PubKey(),
		}, b.GetTx())
		require.NoError(t, err)
		sigs[i].Data.(*signing.SingleSignatureData).Signature, err = s.priv.Sign(bz)
		require.NoError(t, err)
	}
	require.NoError(t, b.SetSignatures(sigs...))
	raw, err := cfg.TxEncoder()(b.GetTx())
	require.NoError(t, err)
	for _, s := range tx.signers {
		s.seq++
	}
	return raw
}

// deliverFee delivers one fee tx in a block and re-reads its signers'
// sequences.
func (e *gateEnv) deliverFee(tx feeTx) *abci.ExecTxResult {
	r := e.deliverRaw(e.signFee(tx))[0]
	for _, s := range tx.signers {
		e.resync(s)
	}
	return r
}

// checkTx runs tx through CheckTx (the mempool's admission), without
// consuming sequences.
func (e *gateEnv) checkTx(tx feeTx) *abci.ResponseCheckTx {
	raw := e.signFee(tx)
	for _, s := range tx.signers {
		s.seq--
	}
	res, err := e.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
	require.NoError(e.t, err)
	return res
}
