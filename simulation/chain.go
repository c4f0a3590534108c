package simulation

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/viper"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/clearchain/clearchain/app"
	"github.com/clearchain/clearchain/surveillance"
	"github.com/clearchain/clearchain/surveillance/txdecode"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

const (
	// ChainID of every simulated chain.
	ChainID  = "clearchain-sim"
	gasLimit = 100_000_000
	// feedID is the validator feed that prices the market in ticks (on an
	// exported state that has it already: SIM<n>/EURC, see addCast).
	feedID = "SIM/EURC"
)

// account is a key the simulation signs with. Keys are derived from fixed
// secrets (never from the seed): the same cast on every run.
type account struct {
	name     string
	priv     cryptotypes.PrivKey
	addr     sdk.AccAddress
	bech     string
	num, seq uint64
	entity   uint64
	owner    uint64 // x/exchange engine owner id (0 until the first deposit)
}

// ns is "" on a fresh chain; with --from-genesis it names the exported
// state's height, so that a state exported from a simulation run can host a
// new cast (other keys) without account clashes.
func newAccount(ns, name string) *account {
	priv := secp256k1.GenPrivKeyFromSecret([]byte("clearchain-simulation/" + ns + name))
	addr := sdk.AccAddress(priv.PubKey().Address())
	return &account{name: name, priv: priv, addr: addr, bech: addr.String()}
}

// tx is one transaction an agent or the regulator sends.
type tx struct {
	from *account
	msgs []sdk.Msg
	// agent that sent it (nil: the regulator, the issuer's setup).
	agent *agent
}

// chain is the real ClearChain app, in-process, driven block by block
// through FinalizeBlock and Commit.
type chain struct {
	// delivered are the raw txs of the last block delivered (deliver), in
	// block order: surveillance reads the refused ones (refusedTxs).
	delivered [][]byte
	txDec     *txdecode.Codec

	app   *app.ClearApp
	db    dbm.DB
	home  string
	txCfg client.TxConfig
	scn   *Scenario

	regulator, issuer *account
	vals              []cmted25519.PrivKey
	valSet            *cmttypes.ValidatorSet
	valOps            []*account
	cash, asset       string // denoms
	// market is the simulated market's id: 1 on a fresh chain, the next
	// free id on an exported one (its markets keep theirs).
	market uint64
	// base is the height before the run's first block: 0 on a fresh
	// chain, the exported state's height with --from-genesis. The run's
	// heights (metrics, rules, shocks, surveillance) count from it.
	base int64
	feed string // the oracle feed pricing the market

	// The data-asset contract (with data buyers): its address, the
	// dataset's licence price (bond denom) and duration (blocks), the
	// contract's wasm code.
	dataAsset string
	// The green-credit contract (planGreenCredit): address, wasm, code id,
	// the next fresh serial, the batches issued so far.
	greenCredit     string
	greenCreditWasm []byte
	gcCode          uint64
	nextSerial      uint64
	gcIssued        []serialRange
	licencePrice    uint64
	licenceBlocks   int64
	dataAssetWasm   []byte
	oracleAuthority string

	// fromGenesis: the cast trades an exported market (c.market, its
	// denoms, its feed). nextEntity is the first entity id the setup
	// block registers; holders are the exported accounts the regulator
	// funds the cast from (see fundFromHolders); startPrice is the
	// market's last price (0: the scenario's start_price).
	fromGenesis bool
	nextEntity  uint64
	holders     []holding
	startPrice  int64
	// genesisFunded: the market's denoms the authority cannot move (not
	// restricted), credited to the cast at genesis.
	genesisFunded []string

	agents     []*agent
	recipients []*account // accounts the issuer mints to
	// parents: entity → parent entity, as registered at genesis (for
	// surveillance's ownership groups).
	parents map[uint64]uint64
}

func blockTimeOf(s *Scenario, h int64) time.Time {
	return s.StartTime.Add(time.Duration(h) * s.BlockTime)
}

// newChain builds the app on a fresh in-memory database and runs InitChain
// with the scenario's genesis (the cast, the licences, the oracle feed).
//
// With fromGenesis (an exported genesis, `cleard export`) the app starts
// from that state instead: its accounts, balances, entities, licences,
// markets, books and oracle feeds, at its height (the blocks continue from
// its initial_height) and with its validator set (the validators' vote
// extensions are simulated as on a fresh chain; the app does not verify
// their signatures in FinalizeBlock, CometBFT does). The cast is added on
// top (see genesisFrom) and trades a market of its own, listed in block 1
// with the next free market id.
func newChain(s *Scenario, agents []*agent, exported *genutiltypes.AppGenesis, ns string) (*chain, error) {
	home, err := os.MkdirTemp("", "clearchain-sim-*")
	if err != nil {
		return nil, err
	}
	c := &chain{db: dbm.NewMemDB(), home: home, scn: s, parents: map[uint64]uint64{}, market: 1,
		regulator: newAccount(ns, "venue/regulator"), issuer: newAccount(ns, "venue/issuer"), feed: feedID}
	appOpts := viper.New()
	appOpts.Set(flags.FlagHome, home)
	c.app, err = app.New(log.NewNopLogger(), c.db, true, appOpts, nil, baseapp.SetChainID(ChainID))
	if err != nil {
		c.close()
		return nil, fmt.Errorf("simulation: building the app: %w", err)
	}
	c.txCfg = c.app.TxConfig()
	c.oracleAuthority = c.app.OracleKeeper.ModuleAddress()
	if c.cash, err = assetstypes.Denom(c.issuer.bech, "eurc"); err != nil {
		return nil, err
	}
	if c.asset, err = assetstypes.Denom(c.issuer.bech, "sim"); err != nil {
		return nil, err
	}
	var vals []*cmttypes.Validator
	if exported != nil {
		c.fromGenesis = true
		for _, v := range exported.Consensus.Validators {
			vals = append(vals, cmttypes.NewValidator(v.PubKey, v.Power))
		}
		c.base = max(exported.InitialHeight, 1) - 1
	} else {
		for i := range s.Oracle.Validators {
			pk := cmted25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("clearchain-simulation/validator-%d", i)))
			c.vals = append(c.vals, pk)
			vals = append(vals, cmttypes.NewValidator(pk.PubKey(), 1))
		}
	}
	c.valSet = cmttypes.NewValidatorSet(vals)
	// Operators in the validator set's order (sorted by address).
	for i, v := range c.valSet.Validators {
		op := &account{name: fmt.Sprintf("validator-%d", i), addr: sdk.AccAddress(v.Address)}
		op.bech = op.addr.String()
		c.valOps = append(c.valOps, op)
	}
	var gen []byte
	if exported != nil {
		gen, err = c.genesisFrom(agents, exported.AppState)
	} else {
		gen, err = c.genesis(agents)
	}
	if err != nil {
		c.close()
		return nil, err
	}
	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	if _, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: ChainID, InitialHeight: c.base + 1, Time: s.StartTime,
		ConsensusParams: &cp, AppStateBytes: gen,
	}); err != nil {
		c.close()
		return nil, fmt.Errorf("simulation: InitChain: %w", err)
	}
	// Account numbers as InitGenesis assigned them (module accounts made
	// by earlier modules' InitGenesis take numbers too): read them from the
	// uncommitted genesis state.
	ctx := c.app.NewContextLegacy(false, cmtproto.Header{Height: c.base + 1, ChainID: ChainID, Time: s.StartTime})
	for _, acc := range c.signers(agents) {
		a := c.app.AccountKeeper.GetAccount(ctx, acc.addr)
		if a == nil {
			c.close()
			return nil, fmt.Errorf("simulation: genesis account %s (%s) missing after InitChain", acc.name, acc.bech)
		}
		acc.num, acc.seq = a.GetAccountNumber(), a.GetSequence()
	}
	return c, nil
}

func (c *chain) close() {
	if c.app != nil {
		_ = c.app.Close()
	}
	_ = os.RemoveAll(c.home)
}

// signers lists every account that signs, in genesis order: account
// numbers are their index.
func (c *chain) signers(agents []*agent) []*account {
	all := []*account{c.regulator, c.issuer}
	for _, a := range agents {
		all = append(all, a.accounts...)
	}
	return all
}

func (c *chain) genesis(agents []*agent) ([]byte, error) {
	cdc := c.app.AppCodec()
	all := c.signers(agents)
	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for i, acc := range all {
		acc.num, acc.seq = uint64(i), 0
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.addr, nil, uint64(i), 0))
		balances = append(balances, banktypes.Balance{Address: acc.bech,
			Coins: sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000_000_000))})
	}
	state, err := simtestutil.GenesisStateWithValSet(cdc, c.app.DefaultGenesis(), c.valSet, genAccs, balances...)
	if err != nil {
		return nil, fmt.Errorf("simulation: genesis: %w", err)
	}
	// GenesisStateWithValSet counts every validator's bond in the supply
	// but credits the bonded pool with one bond only: credit all of them.
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(state[banktypes.ModuleName], &bank)
	pool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String()
	for i := range bank.Balances {
		if bank.Balances[i].Address == pool {
			bank.Balances[i].Coins = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdk.DefaultPowerReduction.MulRaw(int64(len(c.valSet.Validators)))))
		}
	}
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
	if err := c.addCast(state, agents, compliancetypes.DefaultGenesis(), true); err != nil {
		return nil, err
	}
	return json.Marshal(state)
}

// genesisFrom is an exported app state with the cast added: the signers
// as new accounts (account numbers after the exported ones) funded with
// the bond denom (the supply grows by as much), the issuer and the agents
// as new entities and licences (ids after the exported ones; the exported
// entities' parents feed surveillance's ownership groups), the simulated
// regulator as the compliance and exchange authority (the live chain's
// authority key is not the simulation's), and the simulation's oracle feed.
// Everything exported — markets, books, balances, licences, feeds — is
// kept as it is.
func (c *chain) genesisFrom(agents []*agent, appState json.RawMessage) ([]byte, error) {
	cdc := c.app.AppCodec()
	var state map[string]json.RawMessage
	if err := json.Unmarshal(appState, &state); err != nil {
		return nil, fmt.Errorf("simulation: --from-genesis: app_state: %w", err)
	}
	for _, m := range []string{authtypes.ModuleName, banktypes.ModuleName, compliancetypes.ModuleName, exchangetypes.ModuleName} {
		if len(state[m]) == 0 {
			return nil, fmt.Errorf("simulation: --from-genesis: app_state.%s is missing", m)
		}
	}
	var auth authtypes.GenesisState
	if err := cdc.UnmarshalJSON(state[authtypes.ModuleName], &auth); err != nil {
		return nil, fmt.Errorf("simulation: --from-genesis: app_state.auth: %w", err)
	}
	accs, err := authtypes.UnpackAccounts(auth.Accounts)
	if err != nil {
		return nil, fmt.Errorf("simulation: --from-genesis: app_state.auth.accounts: %w", err)
	}
	next := uint64(0)
	for _, a := range accs {
		next = max(next, a.GetAccountNumber()+1)
	}
	var add authtypes.GenesisAccounts
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(state[banktypes.ModuleName], &bank)
	fund := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000_000_000))
	for i, acc := range c.signers(agents) {
		for _, a := range accs {
			if a.GetAddress().Equals(acc.addr) {
				return nil, fmt.Errorf("simulation: --from-genesis: the exported state already has the simulation's account %s (%s): was it exported from a simulation run?", acc.name, acc.bech)
			}
		}
		add = append(add, authtypes.NewBaseAccount(acc.addr, nil, next+uint64(i), 0))
		bank.Balances = append(bank.Balances, banktypes.Balance{Address: acc.bech, Coins: fund})
		bank.Supply = bank.Supply.Add(fund...)
	}
	accs = append(accs, add...)
	if auth.Accounts, err = authtypes.PackAccounts(accs); err != nil {
		return nil, err
	}
	state[authtypes.ModuleName] = cdc.MustMarshalJSON(&auth)
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
	var comp compliancetypes.GenesisState
	if err := cdc.UnmarshalJSON(state[compliancetypes.ModuleName], &comp); err != nil {
		return nil, fmt.Errorf("simulation: --from-genesis: app_state.compliance: %w", err)
	}
	for _, e := range comp.Entities {
		if e.ParentId != 0 {
			c.parents[e.Id] = e.ParentId
		}
	}
	if err := c.addCast(state, agents, &comp, false); err != nil {
		return nil, err
	}
	return json.Marshal(state)
}

// addCast writes into state the compliance entities and licences of the
// issuer, the agents (and, on a fresh chain, the validator operators), the
// simulated regulator as authority of compliance and the exchange, the
// scenario's exchange params, and the simulation's oracle feed.
func (c *chain) addCast(state map[string]json.RawMessage, agents []*agent, comp *compliancetypes.GenesisState, fresh bool) error {
	cdc := c.app.AppCodec()
	s := c.scn
	comp.Params.Authority = c.regulator.bech
	next := max(comp.NextEntityId, 1)
	entity := func(name, jur string, parent uint64) uint64 {
		id := next
		next++
		if parent != 0 {
			c.parents[id] = parent
		}
		comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: id, Name: name,
			Lei: fmt.Sprintf("SIM%017d", id), Jurisdiction: jur, ParentId: parent})
		return id
	}
	licence := func(acc *account, ent uint64, roles ...compliancetypes.Role) {
		acc.entity = ent
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: acc.bech, EntityId: ent,
			Roles: roles, IssuedAt: s.StartTime})
	}
	if err := c.planDataAsset(agents, fresh); err != nil {
		return err
	}
	if err := c.planGreenCredit(agents, fresh); err != nil {
		return err
	}
	if !fresh {
		// The cast is registered and licensed by the regulator's
		// transactions in the setup block (castTxs), not here.
		c.nextEntity = next
		state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)
		return c.pickExportedMarket(state, agents)
	}
	issuerEntity := entity("Simulated Issuer SA", "LU", 0)
	licence(c.issuer, issuerEntity, compliancetypes.RoleIssuer)
	if c.dataAsset != "" {
		// The contract mints the dataset's shares: an issuer, licensed
		// under the issuer's entity.
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: c.dataAsset, EntityId: issuerEntity,
			Roles: []compliancetypes.Role{compliancetypes.RoleIssuer}, IssuedAt: s.StartTime})
	}
	if c.greenCredit != "" {
		// The contract mints each batch: an issuer too.
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: c.greenCredit, EntityId: issuerEntity,
			Roles: []compliancetypes.Role{compliancetypes.RoleIssuer}, IssuedAt: s.StartTime})
	}
	for _, op := range c.valOps {
		if fresh {
			licence(op, entity("Validator "+op.name, "LU", 0), compliancetypes.RoleValidatorOperator)
		}
	}
	jurs := []string{"DE", "FR", "NL", "GB", "LU", "IE"}
	groups := map[string]uint64{} // group name → parent entity (lookups only)
	for i, a := range agents {
		parent := uint64(0)
		if a.group != "" {
			id, ok := groups[a.group]
			if !ok {
				id = entity(a.group, "LU", 0)
				groups[a.group] = id
			}
			parent = id
		}
		role := compliancetypes.RoleInstitution
		if a.kind == KindMarketMaker {
			role = compliancetypes.RoleMarketMaker
		}
		for j, acc := range a.accounts {
			name := a.name
			if len(a.accounts) > 1 {
				name = acc.name
			}
			if issuesCredits(a.kind) {
				licence(acc, entity(name, jurs[(i+j)%len(jurs)], parent), role, compliancetypes.RoleIssuer)
			} else {
				licence(acc, entity(name, jurs[(i+j)%len(jurs)], parent), role)
			}
		}
		a.entity = a.accounts[0].entity
	}
	comp.NextEntityId = next
	state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)

	ex := exchangetypes.DefaultGenesis()
	ex.Params.Authority = c.regulator.bech
	if s.Market.MaxOrdersPerBlock > 0 {
		ex.Params.MaxOrdersPerBlock = uint32(s.Market.MaxOrdersPerBlock)
	}
	ex.Params.MaxBatchSize = exchangetypes.MaxBatchSizeLimit
	state[exchangetypes.ModuleName] = cdc.MustMarshalJSON(ex)

	if !s.Oracle.Disabled {
		var og oracletypes.GenesisState
		if err := cdc.UnmarshalJSON(state[oracletypes.ModuleName], &og); err != nil {
			return fmt.Errorf("simulation: oracle genesis: %w", err)
		}
		for n := 2; slices.ContainsFunc(og.Feeds, func(f oracletypes.Feed) bool { return f.Id == c.feed }); n++ {
			c.feed = fmt.Sprintf("SIM%d/EURC", n) // a state exported from a simulation has SIM/EURC
		}
		og.Feeds = append(og.Feeds, oracletypes.Feed{Id: c.feed, Decimals: 0, MinSources: 1,
			MaxStalenessBlocks: s.Oracle.MaxStalenessBlocks, MaxDeviationBpsPerBlock: s.Oracle.MaxDeviationBpsPerBlock,
			BaseDenom: c.asset, QuoteDenom: c.cash})
		state[oracletypes.ModuleName] = cdc.MustMarshalJSON(&og)
	}
	return nil
}

// setupTxs is block 1: the issuer creates the cash token and the asset and
// mints both to every agent account, the regulator lists the market, every
// agent account deposits.
//
// On an exported state (--from-genesis) it is castTxs instead (the
// regulator licenses and funds the cast with the exported market's
// denoms), then the same deposits.
func (c *chain) setupTxs(agents []*agent) ([]tx, error) {
	s := c.scn
	if c.fromGenesis {
		txs, err := c.castTxs(agents)
		if err != nil {
			return nil, err
		}
		return append(txs, c.depositTxs(agents)...), nil
	}
	issuer := c.issuer.bech
	mint := []sdk.Msg{
		&assetstypes.MsgCreateAsset{Issuer: issuer, Symbol: "eurc", Name: "Euro cash token", Decimals: 6,
			Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()},
		&assetstypes.MsgCreateAsset{Issuer: issuer, Symbol: "sim", Name: "Simulated data asset", Decimals: 0,
			Class: assetstypes.ClassDataAsset, SupplyCap: sdkmath.ZeroInt()},
	}
	for _, a := range agents {
		for _, acc := range a.accounts {
			mint = append(mint,
				&assetstypes.MsgMint{Admin: issuer, Denom: c.cash, Amount: sdkmath.NewInt(a.cash), Recipient: acc.bech},
				&assetstypes.MsgMint{Admin: issuer, Denom: c.asset, Amount: sdkmath.NewInt(a.inventory), Recipient: acc.bech})
		}
	}
	txs := []tx{{from: c.issuer, msgs: mint}}
	if c.dataAsset != "" {
		txs = append(txs, tx{from: c.issuer, msgs: c.dataAssetSetup()})
	}
	if c.greenCredit != "" {
		txs = append(txs, tx{from: c.issuer, msgs: c.greenCreditSetup()})
	}
	m := s.Market
	one := sdkmath.NewInt(1)
	txs = append(txs, tx{from: c.regulator, msgs: []sdk.Msg{
		&exchangetypes.MsgCreateMarket{Authority: c.regulator.bech, Market: exchangetypes.Market{
			BaseDenom: c.asset, QuoteDenom: c.cash, TickSize: one, LotSize: one, MinNotional: sdkmath.NewInt(m.MinNotional),
			MakerFeeBps: m.MakerFeeBps, TakerFeeBps: m.TakerFeeBps, Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
			BandBps: m.BandBps, BandHaltBlocks: m.BandHaltBlocks, BreakerBps: m.BreakerBps, BreakerWindowBlocks: m.BreakerWindowBlocks,
		}, Reason: "simulation: " + s.Name},
	}})
	return append(txs, c.depositTxs(agents)...), nil
}

// depositTxs: every agent account deposits 90% of its cash and inventory.
func (c *chain) depositTxs(agents []*agent) []tx {
	var txs []tx
	for _, a := range agents {
		for _, acc := range a.accounts {
			txs = append(txs, tx{from: acc, agent: a, msgs: []sdk.Msg{
				// 90% to the exchange, the rest stays in the bank (transfers).
				&exchangetypes.MsgDeposit{Owner: acc.bech, Amount: sdk.NewInt64Coin(c.cash, a.cash/10*9)},
				&exchangetypes.MsgDeposit{Owner: acc.bech, Amount: sdk.NewInt64Coin(c.asset, a.inventory/10*9)},
			}})
		}
	}
	return txs
}

// sign signs t with the signer's next sequence (SIGN_MODE_DIRECT, no fee).
// secp256k1 signatures are deterministic (RFC 6979).
func (c *chain) sign(t tx) ([]byte, error) {
	mode, err := authsign.APISignModeToInternal(c.txCfg.SignModeHandler().DefaultMode())
	if err != nil {
		return nil, err
	}
	b := c.txCfg.NewTxBuilder()
	if err := b.SetMsgs(t.msgs...); err != nil {
		return nil, err
	}
	b.SetGasLimit(gasLimit)
	pub := t.from.priv.PubKey()
	sig := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: t.from.seq}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	bz, err := authsign.GetSignBytesAdapter(context.Background(), c.txCfg.SignModeHandler(), mode, authsign.SignerData{
		Address: t.from.bech, ChainID: ChainID, AccountNumber: t.from.num, Sequence: t.from.seq, PubKey: pub,
	}, b.GetTx())
	if err != nil {
		return nil, err
	}
	sig.Data.(*signing.SingleSignatureData).Signature, err = t.from.priv.Sign(bz)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	raw, err := c.txCfg.TxEncoder()(b.GetTx())
	if err != nil {
		return nil, err
	}
	t.from.seq++
	return raw, nil
}

// votes is what each validator puts in its vote extension this block: a
// price (0: an empty extension, its feeder is down) and whether it is in
// the commit at all.
type vote struct {
	price  int64
	absent bool
}

// injected encodes the proposer's first tx: the validators' vote
// extensions of the previous height, as PrepareProposal builds it.
func (c *chain) injected(votes []vote) ([]byte, error) {
	info := abci.ExtendedCommitInfo{}
	for i, v := range c.valSet.Validators {
		ev := abci.ExtendedVoteInfo{Validator: abci.Validator{Address: v.Address, Power: v.VotingPower},
			BlockIdFlag: cmtproto.BlockIDFlagCommit}
		switch {
		case votes[i].absent:
			ev.BlockIdFlag = cmtproto.BlockIDFlagAbsent
		case votes[i].price > 0:
			bz, err := oracletypes.EncodeVoteExtension(oracletypes.VoteExtension{Prices: []oracletypes.FeedPrice{{FeedId: c.feed, Price: votes[i].price}}})
			if err != nil {
				return nil, err
			}
			ev.VoteExtension = bz
		}
		info.Votes = append(info.Votes, ev)
	}
	return oracletypes.EncodeInjectedVotes(info, c.oracleAuthority)
}

// deliver finalizes and commits block h. A tx that fails to sign is an
// error of the simulation itself.
func (c *chain) deliver(h int64, injected []byte, txs []tx) (*abci.ResponseFinalizeBlock, error) {
	raw := make([][]byte, 0, len(txs)+1)
	if injected != nil {
		raw = append(raw, injected)
	}
	for _, t := range txs {
		bz, err := c.sign(t)
		if err != nil {
			return nil, fmt.Errorf("simulation: signing a tx at height %d: %w", h, err)
		}
		raw = append(raw, bz)
	}
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: raw, Height: c.base + h, Time: blockTimeOf(c.scn, h),
		NextValidatorsHash: c.valSet.Hash(), ProposerAddress: c.valSet.Validators[0].Address,
	})
	if err != nil {
		return nil, fmt.Errorf("simulation: FinalizeBlock %d: %w", h, err)
	}
	c.delivered = raw
	if _, err := c.app.Commit(); err != nil {
		return nil, fmt.Errorf("simulation: Commit %d: %w", h, err)
	}
	// A failed tx still used its sequence number (the ante handler ran
	// and incremented it) unless it failed in the ante handler before the
	// increment; re-read the sequences of this block's signers.
	ctx := c.queryCtx()
	for _, t := range txs {
		if acc := c.app.AccountKeeper.GetAccount(ctx, t.from.addr); acc != nil {
			t.from.seq = acc.GetSequence()
		}
	}
	return res, nil
}

// refusedTxs decodes the txs of the block just delivered (r its
// FinalizeBlock response) that failed in DeliverTx, for surveillance, at
// height h as the simulation counts blocks. Bytes that are no tx (the
// injected vote-extension tx) are skipped.
func (c *chain) refusedTxs(h int64, r *abci.ResponseFinalizeBlock) ([]surveillance.RefusedTx, error) {
	if c.txDec == nil {
		d, err := txdecode.New()
		if err != nil {
			return nil, err
		}
		c.txDec = d
	}
	out, _ := c.txDec.Failed(h, c.delivered, r.TxResults)
	return out, nil
}

func (c *chain) queryCtx() sdk.Context {
	return c.app.NewContextLegacy(true, cmtproto.Header{Height: c.app.LastBlockHeight(), ChainID: ChainID,
		Time: blockTimeOf(c.scn, c.app.LastBlockHeight()-c.base)})
}

// findMarket sets c.market to the market the setup block listed: the one
// trading the simulation's asset against its cash token (1 on a fresh
// chain; after the exported markets with --from-genesis).
func (c *chain) findMarket() error {
	if c.fromGenesis { // the exported market picked at genesis
		if _, err := c.app.ExchangeKeeper.Markets.Get(c.queryCtx(), c.market); err != nil {
			return fmt.Errorf("simulation: --from-genesis: market %d: %w", c.market, err)
		}
		return nil
	}
	found := false
	err := c.app.ExchangeKeeper.Markets.Walk(c.queryCtx(), nil, func(id uint64, m exchangetypes.Market) (bool, error) {
		if m.BaseDenom == c.asset && m.QuoteDenom == c.cash {
			c.market, found = id, true
		}
		return found, nil
	})
	if err == nil && !found {
		err = fmt.Errorf("simulation: the setup block listed no %s/%s market", c.asset, c.cash)
	}
	return err
}

// export writes the committed state in the format of `cleard export`:
// the app's ExportAppStateAndValidators wrapped in an AppGenesis as the
// SDK's export command does (validators and consensus params in
// `consensus`, initial_height = the next height).
func (c *chain) export(path string) error {
	ex, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	if err != nil {
		return fmt.Errorf("simulation: exporting the state: %w", err)
	}
	g := genutiltypes.NewAppGenesisWithVersion(ChainID, ex.AppState)
	g.GenesisTime = c.scn.StartTime
	g.InitialHeight = ex.Height
	g.Consensus = genutiltypes.NewConsensusGenesis(ex.ConsensusParams, ex.Validators)
	if err := g.SaveAs(path); err != nil {
		return fmt.Errorf("simulation: writing %s: %w", path, err)
	}
	return nil
}

// planDataAsset: with data buyers in the cast, the data-asset contract is
// stored and instantiated in the setup block (code 1, instance 1 on a
// fresh chain: its address is known before genesis, which must license
// it). Its wasm is contracts-wasm/artifacts/data_asset.wasm, looked up
// from the working directory upwards. The first data buyer's `amount`
// (default 1000) is the licence price in the bond denom and its `every`
// (default 30) the licence's length in blocks.
func (c *chain) planDataAsset(agents []*agent, fresh bool) error {
	var spec *AgentSpec
	for _, a := range agents {
		if a.kind == KindDataBuyer {
			spec = &a.spec
			break
		}
	}
	if spec == nil {
		return nil
	}
	if !fresh {
		return fmt.Errorf("simulation: --from-genesis: data buyers need a fresh chain (the data-asset contract's address is fixed before genesis only there)")
	}
	path, err := findUp(filepath.Join("contracts-wasm", "artifacts", "data_asset.wasm"))
	if err != nil {
		return fmt.Errorf("simulation: data buyers: %w", err)
	}
	if c.dataAssetWasm, err = os.ReadFile(path); err != nil {
		return fmt.Errorf("simulation: data buyers: %w", err)
	}
	c.dataAsset = wasmkeeper.BuildContractAddressClassic(1, 1).String()
	c.licencePrice, c.licenceBlocks = spec.Amount, spec.Every
	if c.licencePrice == 0 {
		c.licencePrice = 1000
	}
	if c.licenceBlocks == 0 {
		c.licenceBlocks = 30
	}
	return nil
}

// dataAssetSetup is the issuer's setup of the dataset: store the
// data-asset contract, instantiate it (the simulated regulator may revoke
// licences), register one dataset (100 shares to the issuer, the licence
// terms); licence revenue goes to whoever holds the shares (the issuer).
func (c *chain) dataAssetSetup() []sdk.Msg {
	issuer := c.issuer.bech
	js := func(v any) []byte { bz, _ := json.Marshal(v); return bz }
	secs := int64(c.scn.BlockTime.Seconds()) * c.licenceBlocks
	return []sdk.Msg{
		&wasmtypes.MsgStoreCode{Sender: issuer, WASMByteCode: c.dataAssetWasm},
		&wasmtypes.MsgInstantiateContract{Sender: issuer, Admin: issuer, CodeID: 1, Label: "data-asset",
			Msg: js(map[string]string{"regulator": c.regulator.bech})},
		&wasmtypes.MsgExecuteContract{Sender: issuer, Contract: c.dataAsset, Msg: js(map[string]any{"register": map[string]any{
			"content_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"metadata_uri": "sim://dataset/1", "schema": "csv: ts,meter_id,kwh", "total_shares": "100",
			"terms": map[string]any{"price": map[string]string{"denom": app.BondDenom, "amount": fmt.Sprint(c.licencePrice)},
				"duration_secs": secs, "usage_terms": "simulation"},
		}})},
	}
}

// findUp looks for rel in the working directory and its parents.
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for range 6 {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		dir = filepath.Dir(dir)
	}
	return "", fmt.Errorf("%s not found in the working directory or its parents (run from the repository)", rel)
}
