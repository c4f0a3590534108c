package app

// TestMatchingDeterminism covers what `make test-sim-nondeterminism` cannot:
// the SDK simulation delivers its operations after EndBlock, so x/exchange's
// queued orders (transient store) are never matched there. This test drives
// the real app block by block through FinalizeBlock + Commit, with real
// signed txs inside the blocks, so EndBlock matches and settles them.
//
// Vote extensions: the app enables them from the initial height (see
// withVoteExtensions in oracle.go), so a real proposer's PrepareProposal puts
// the injected votes first in every block. This test calls FinalizeBlock
// directly, without PrepareProposal/ProcessProposal, and so without the
// injected tx: x/oracle's PreBlocker (x/oracle/abci/preblock.go) accepts
// such a block and only refreshes feed statuses (no prices). The exchange
// then bands on last trade prices. The consensus params stay as the app sets
// them; ProcessProposal (which would refuse a block without the injected
// votes) is not part of this test.
//
// DecidedLastCommit is left empty (no votes): slashing and distribution see
// no signers, which is deterministic and irrelevant to matching.
//
// How it was checked that the test can fail: in a scratch copy of the repo
// (never committed), x/exchange/keeper/endblock.go's marketRun.run was
// changed to run each market's commands grouped per owner, owners taken in
// Go map iteration order (a realistic "bucket by owner" bug that breaks time
// priority). The test then failed: "second run: non-determinism: app hash
// differs at height 2". Unmodified, it passes.
//
// The oracle market (mktOracle) covers the halt on a stale feed and the
// circuit breaker's limit state. Checked the same way (scratch copies, never
// committed), once each: x/exchange/keeper/halts.go's oracleHalt building its
// audit record's details in map iteration order failed with "second run:
// non-determinism: app hash differs at height 1" (the feed has no price
// before the feeder's first one, so the market halts at once); onBandClip
// adding a key taken from a map's iteration to the limit state's audit
// record failed with "... app hash differs at height 61".

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

const (
	detSeed        = 20260301
	detBlocks      = 150
	detBlockPeriod = 3 * time.Second
	detGasLimit    = 50_000_000
	// detMaxOrdersPerBlock is low so that commands carry over between blocks;
	// so are the work budget and the per-owner cap, so that EndBlock's
	// budgeted steps (a held first pass, expiries and triggers left for the
	// next block) and the owner-order-cap rejection run.
	detMaxOrdersPerBlock  = 24
	detMaxWorkPerBlock    = 30
	detMaxOpenOrdersOwner = 4
	mktContinuous         = uint64(1)
	mktAuction            = uint64(2)
	// mktOracle is a continuous market on the same pair as mktContinuous
	// that bands on a licensed oracle feed (detFeed) priced by the feeder,
	// with a circuit breaker and a limit state (LULD): the feeder goes
	// silent in some blocks (detFeedSilent), so the feed goes stale and the
	// market halts with cause oracle-stale and resumes; takers clipped at the
	// breaker's limits put it in its limit state.
	mktOracle = uint64(3)
	detFeed   = "GCRD/EURC"
)

// detFeedSilent reports whether the feeder sends no price at height h: two
// stretches of 8 blocks, longer than the feed's max_staleness_blocks.
func detFeedSilent(h int64) bool { return h%50 >= 30 && h%50 < 38 }

// detGenesisTime is the (fixed) genesis time; block h has time
// detGenesisTime + h*detBlockPeriod.
var detGenesisTime = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type detAccount struct {
	name     string
	priv     cryptotypes.PrivKey
	addr     sdk.AccAddress
	num, seq uint64
}

func newDetAccount(name string) *detAccount {
	priv := secp256k1.GenPrivKeyFromSecret([]byte("clearchain-determinism/" + name))
	return &detAccount{name: name, priv: priv, addr: sdk.AccAddress(priv.PubKey().Address())}
}

type detOrder struct {
	market, id uint64
	side       exchangetypes.Side
	price      int64
	stop       bool
}

// detWorld is the test's fixed cast: keys, entities, denoms. Identical for
// every run.
type detWorld struct {
	regulator, issuer, feeder *detAccount
	traders                   []*detAccount // alpha, beta1, beta2 (same entity), gamma, delta, epsilon
	marketMaker               []bool
	all                       []*detAccount
	valSet                    *cmttypes.ValidatorSet
	eurc, gcrd                string
	// maxOpenOrdersOwner is the exchange param max_open_orders_per_owner
	// of the genesis (detMaxOpenOrdersOwner unless a test changes it).
	maxOpenOrdersOwner uint32
}

func newDetWorld(t *testing.T) *detWorld {
	w := &detWorld{regulator: newDetAccount("regulator"), issuer: newDetAccount("issuer"), feeder: newDetAccount("feeder"),
		maxOpenOrdersOwner: detMaxOpenOrdersOwner}
	for _, n := range []string{"alpha", "beta1", "beta2", "gamma", "delta", "epsilon"} {
		w.traders = append(w.traders, newDetAccount(n))
	}
	w.marketMaker = []bool{false, false, false, true, true, false}
	w.all = append([]*detAccount{w.regulator, w.issuer}, w.traders...)
	w.all = append(w.all, w.feeder)
	valPub := cmted25519.GenPrivKeyFromSecret([]byte("clearchain-determinism/validator")).PubKey()
	w.valSet = cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(valPub, 1)})
	var err error
	w.eurc, err = assetstypes.Denom(w.issuer.addr.String(), "eurc")
	require.NoError(t, err)
	w.gcrd, err = assetstypes.Denom(w.issuer.addr.String(), "gcrd")
	require.NoError(t, err)
	return w
}

// genesis builds the app state: one bonded validator (delegated by the
// regulator), the regulator as compliance and exchange params authority,
// licensed entities, and uclear for everyone.
func (w *detWorld) genesis(t *testing.T, a *ClearApp) []byte {
	cdc := a.AppCodec()
	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for i, acc := range w.all {
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.addr, nil, uint64(i), 0))
		balances = append(balances, banktypes.Balance{Address: acc.addr.String(),
			Coins: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000_000_000))})
	}
	state, err := simtestutil.GenesisStateWithValSet(cdc, a.DefaultGenesis(), w.valSet, genAccs, balances...)
	require.NoError(t, err)

	comp := compliancetypes.DefaultGenesis()
	comp.Params.Authority = w.regulator.addr.String()
	entity := func(id uint64, name, lei, jur string) {
		comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: id, Name: name, Lei: lei, Jurisdiction: jur})
	}
	entity(1, "Alpha Bank AG", "5493001KJTIIGC8Y1R12", "DE")
	entity(2, "Beta Securities SA", "969500T3MBS4SQAMHJ45", "FR")
	entity(3, "Gamma Markets BV", "724500VKKSH9QOLTFR81", "NL")
	entity(4, "Delta Liquidity Ltd", "213800D1EI4B9WTWWD28", "GB")
	entity(5, "Epsilon Capital GmbH", "529900HNOAA1KXQJUQ27", "DE")
	entity(6, "Issuer Treasury SA", "635400ABCDEFGHIJKL12", "LU")
	// GenesisStateWithValSet makes the validator's consensus address its
	// operator; InitChain requires the operator's VALIDATOR_OPERATOR licence.
	entity(7, "Validator Operator SA", "635400VALIDATOR00001", "LU")
	entity(8, "Zeta Pricing Ltd", "635400ZETAPRICING001", "LU")
	comp.NextEntityId = 9
	licence := func(acc *detAccount, entity uint64, roles ...compliancetypes.Role) {
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: acc.addr.String(), EntityId: entity,
			Roles: roles, IssuedAt: detGenesisTime})
	}
	tr := w.traders
	licence(tr[0], 1, compliancetypes.RoleInstitution)
	licence(tr[1], 2, compliancetypes.RoleInstitution) // beta1 and beta2 share entity 2: self-trade prevention
	licence(tr[2], 2, compliancetypes.RoleInstitution)
	licence(tr[3], 3, compliancetypes.RoleMarketMaker)
	licence(tr[4], 4, compliancetypes.RoleMarketMaker)
	licence(tr[5], 5, compliancetypes.RoleInstitution)
	licence(w.issuer, 6, compliancetypes.RoleIssuer)
	licence(w.feeder, 8, compliancetypes.RoleOracleFeeder)
	comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: sdk.AccAddress(w.valSet.Validators[0].Address).String(),
		EntityId: 7, Roles: []compliancetypes.Role{compliancetypes.RoleValidatorOperator}, IssuedAt: detGenesisTime})
	state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)

	// The licensed feed the oracle market bands on: one feeder, stale three
	// blocks after its last price.
	orc := oracletypes.DefaultGenesis()
	orc.Feeds = append(orc.Feeds, oracletypes.Feed{Id: detFeed, Decimals: 0, MinSources: 1, MinFeeders: 1,
		MaxStalenessBlocks: 3, Licensed: true, WindowSeconds: 60, Feeders: []string{w.feeder.addr.String()}})
	state[oracletypes.ModuleName] = cdc.MustMarshalJSON(orc)

	ex := exchangetypes.DefaultGenesis()
	ex.Params.Authority = w.regulator.addr.String()
	ex.Params.MaxOrdersPerBlock = detMaxOrdersPerBlock
	ex.Params.MaxWorkPerBlock = detMaxWorkPerBlock
	ex.Params.MaxOpenOrdersPerOwner = w.maxOpenOrdersOwner
	state[exchangetypes.ModuleName] = cdc.MustMarshalJSON(ex)

	bz, err := json.Marshal(state)
	require.NoError(t, err)
	return bz
}

// detChain is one app instance driven block by block, with what the test
// reads back from its committed state after each block.
type detChain struct {
	t     *testing.T
	w     *detWorld
	db    dbm.DB
	home  string // the node's home (wasm code), kept across restarts
	app   *ClearApp
	txCfg client.TxConfig

	live   [][]detOrder // per trader, from the committed levels
	refs   map[uint64]int64
	trades uint64 // sum of the markets' trade counters

	hashes, results [][]byte // per block: app hash, digest of the FinalizeBlock response
	txOK, txFailed  int
	fills           int
	events          map[string]int // block event types, for the log
	maxCarried      int            // most commands carried over after a block
}

func newDetChain(t *testing.T, w *detWorld) *detChain {
	c := &detChain{t: t, w: w, db: dbm.NewMemDB(), home: t.TempDir(), events: map[string]int{}}
	c.app = newSimApp(t, c.db, c.home)
	c.txCfg = c.app.TxConfig()
	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	_, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: simChainID, InitialHeight: 1, Time: detGenesisTime,
		ConsensusParams: &cp, AppStateBytes: w.genesis(t, c.app),
	})
	require.NoError(t, err)
	// Genesis account numbers and sequences (the genesis state is not
	// committed before block 1, so it cannot be read back yet).
	for i, a := range w.all {
		a.num, a.seq = uint64(i), 0
	}
	return c
}

// restart closes the app and opens a new one on the same database: the
// exchange rebuilds its books from the store.
func (c *detChain) restart() {
	h := c.app.LastBlockHeight()
	require.NoError(c.t, c.app.Close())
	// The wasm VM of the closed app keeps its directory locked in this
	// process: the new app gets a copy of the home (the stored code).
	home := c.t.TempDir()
	require.NoError(c.t, os.CopyFS(home, os.DirFS(c.home)))
	c.home = home
	c.app = newSimApp(c.t, c.db, c.home)
	c.txCfg = c.app.TxConfig()
	require.Equal(c.t, h, c.app.LastBlockHeight(), "reopened app at another height")
	c.readState()
}

func (c *detChain) queryCtx() sdk.Context {
	return c.app.NewContextLegacy(true, cmtproto.Header{Height: c.app.LastBlockHeight(), ChainID: simChainID})
}

// readState reads account sequences, resting orders and trade counters from
// the committed store (not from the in-memory books, which a restarted app
// only rebuilds in its next BeginBlock).
func (c *detChain) readState() {
	ctx := c.queryCtx()
	for _, a := range c.w.all {
		acc := c.app.AccountKeeper.GetAccount(ctx, a.addr)
		require.NotNil(c.t, acc, a.name)
		a.num, a.seq = acc.GetAccountNumber(), acc.GetSequence()
	}
	k := c.app.ExchangeKeeper
	owner := map[uint64]int{} // lookups only
	for i, a := range c.w.traders {
		if id, err := k.OwnerIDs.Get(ctx, a.addr); err == nil {
			owner[id] = i
		}
	}
	c.live = make([][]detOrder, len(c.w.traders))
	err := k.Levels.Walk(ctx, nil, func(key collections.Triple[uint64, uint32, int64], v []byte) (bool, error) {
		return false, exchangetypes.DecodeLevel(v, func(o *exchangetypes.LevelOrder) error {
			if i, ok := owner[o.OwnerId]; ok {
				c.live[i] = append(c.live[i], detOrder{market: key.K1(), id: o.Id, side: o.Side, price: o.Price, stop: key.K2() >= 3})
			}
			return nil
		})
	})
	require.NoError(c.t, err)
	carried := 0
	require.NoError(c.t, k.Pending.Walk(ctx, nil, func(uint64, exchangetypes.QueuedCommand) (bool, error) {
		carried++
		return false, nil
	}))
	c.maxCarried = max(c.maxCarried, carried)
	c.refs = map[uint64]int64{mktContinuous: 1000, mktAuction: 500, mktOracle: 1000}
	c.trades = 0
	for _, m := range []uint64{mktContinuous, mktAuction, mktOracle} {
		if st, err := k.MarketStates.Get(ctx, m); err == nil {
			if st.LastPrice > 0 {
				c.refs[m] = st.LastPrice
			}
			c.trades += st.Trades
		}
	}
}

func blockTime(h int64) time.Time { return detGenesisTime.Add(time.Duration(h) * detBlockPeriod) }

type detTx struct {
	from *detAccount
	msgs []sdk.Msg
}

// sign signs tx with the signer's next sequence (SIGN_MODE_DIRECT, no fee).
// secp256k1 signatures are deterministic (RFC 6979): same bytes every run.
func (c *detChain) sign(tx detTx) []byte {
	t := c.t
	mode, err := authsign.APISignModeToInternal(c.txCfg.SignModeHandler().DefaultMode())
	require.NoError(t, err)
	b := c.txCfg.NewTxBuilder()
	require.NoError(t, b.SetMsgs(tx.msgs...))
	b.SetGasLimit(detGasLimit)
	pub := tx.from.priv.PubKey()
	sig := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: tx.from.seq}
	require.NoError(t, b.SetSignatures(sig))
	bz, err := authsign.GetSignBytesAdapter(context.Background(), c.txCfg.SignModeHandler(), mode, authsign.SignerData{
		Address: tx.from.addr.String(), ChainID: simChainID, AccountNumber: tx.from.num,
		Sequence: tx.from.seq, PubKey: pub,
	}, b.GetTx())
	require.NoError(t, err)
	sig.Data.(*signing.SingleSignatureData).Signature, err = tx.from.priv.Sign(bz)
	require.NoError(t, err)
	require.NoError(t, b.SetSignatures(sig))
	raw, err := c.txCfg.TxEncoder()(b.GetTx())
	require.NoError(t, err)
	tx.from.seq++
	return raw
}

// deliver finalizes and commits block h with txs, then checks the
// invariants and reads the new state back. It returns the tx results.
func (c *detChain) deliver(h int64, txs []detTx) []*abci.ExecTxResult {
	t := c.t
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		raw[i] = c.sign(tx)
	}
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: raw, Height: h, Time: blockTime(h),
		NextValidatorsHash: c.w.valSet.Hash(), ProposerAddress: c.w.valSet.Validators[0].Address,
	})
	require.NoError(t, err, "height %d", h)
	_, err = c.app.Commit()
	require.NoError(t, err, "commit %d", h)
	require.Equal(t, res.AppHash, c.app.LastCommitID().Hash, "height %d", h)
	c.hashes = append(c.hashes, res.AppHash)
	c.results = append(c.results, responseDigest(t, res))
	for _, ev := range res.Events {
		if ev.Type == "exchange_fill" {
			c.fills++
		}
		c.events[ev.Type]++
		switch ev.Type {
		case "clearchain.exchange.v1.EventMarketHalted", "clearchain.exchange.v1.EventMarketResumed",
			"clearchain.exchange.v1.EventMarketLimitState":
			for _, a := range ev.Attributes {
				if a.Key == "cause" {
					c.events[ev.Type+" "+a.Value]++
				}
			}
		}
		if ev.Type == "clearchain.exchange.v1.EventOrderRejected" || ev.Type == "clearchain.exchange.v1.EventOrderCancelled" {
			for _, a := range ev.Attributes {
				if a.Key == "reason" {
					c.events["reason "+a.Value]++
				}
			}
		}
	}
	if broken := c.app.CheckInvariants(c.queryCtx()); len(broken) > 0 {
		t.Fatalf("height %d: broken invariants: %v", h, broken)
	}
	c.readState()
	return res.TxResults
}

// responseDigest hashes what the block returns to CometBFT and clients:
// each tx's code, data, gas and events, the block's events, the validator
// and consensus param updates.
func responseDigest(t *testing.T, res *abci.ResponseFinalizeBlock) []byte {
	h := sha256.New()
	for _, r := range res.TxResults {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(r.Code))
		h.Write(n[:])
		h.Write(r.Data)
		binary.BigEndian.PutUint64(n[:], uint64(r.GasWanted))
		h.Write(n[:])
		binary.BigEndian.PutUint64(n[:], uint64(r.GasUsed))
		h.Write(n[:])
		for _, ev := range r.Events {
			bz, err := ev.Marshal()
			require.NoError(t, err)
			h.Write(bz)
		}
	}
	for _, ev := range res.Events {
		bz, err := ev.Marshal()
		require.NoError(t, err)
		h.Write(bz)
	}
	for _, u := range res.ValidatorUpdates {
		bz, err := u.Marshal()
		require.NoError(t, err)
		h.Write(bz)
	}
	if res.ConsensusParamUpdates != nil {
		bz, err := res.ConsensusParamUpdates.Marshal()
		require.NoError(t, err)
		h.Write(bz)
	}
	return h.Sum(nil)
}

// setup is block 1: the issuer creates and mints two assets, the regulator
// lists a continuous and a call-auction market, the traders deposit.
func (c *detChain) setup() {
	w := c.w
	issuer, reg := w.issuer.addr.String(), w.regulator.addr.String()
	var txs []detTx
	mint := []sdk.Msg{
		&assetstypes.MsgCreateAsset{Issuer: issuer, Symbol: "eurc", Name: "Euro cash token", Decimals: 6,
			Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()},
		&assetstypes.MsgCreateAsset{Issuer: issuer, Symbol: "gcrd", Name: "Green energy credit", Decimals: 0,
			Class: assetstypes.ClassGreenCredit, SupplyCap: sdkmath.ZeroInt()},
	}
	for _, tr := range w.traders {
		mint = append(mint,
			&assetstypes.MsgMint{Admin: issuer, Denom: w.eurc, Amount: sdkmath.NewInt(1_000_000_000_000), Recipient: tr.addr.String()},
			&assetstypes.MsgMint{Admin: issuer, Denom: w.gcrd, Amount: sdkmath.NewInt(1_000_000_000), Recipient: tr.addr.String()})
	}
	txs = append(txs, detTx{w.issuer, mint})
	one := sdkmath.NewInt(1)
	txs = append(txs, detTx{w.regulator, []sdk.Msg{
		&exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
			BaseDenom: w.gcrd, QuoteDenom: w.eurc, TickSize: one, LotSize: one, MinNotional: one,
			MakerFeeBps: -2, TakerFeeBps: 10, Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
			BandBps: 2000, BandHaltBlocks: 2,
		}},
		&exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
			BaseDenom: w.gcrd, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
			MakerFeeBps: 0, TakerFeeBps: 5, Mode: exchangetypes.MarketMode_MARKET_MODE_CALL_AUCTION,
			AuctionIntervalBlocks: 3,
		}},
		&exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
			BaseDenom: w.gcrd, QuoteDenom: w.eurc, TickSize: one, LotSize: one, MinNotional: one,
			MakerFeeBps: 0, TakerFeeBps: 10, Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
			BandBps: 2000, BandHaltBlocks: 2, OracleFeed: detFeed,
			BreakerBps: 60, BreakerWindowBlocks: 6, LimitStateBlocks: 2,
		}},
	}})
	for _, tr := range w.traders {
		o := tr.addr.String()
		txs = append(txs, detTx{tr, []sdk.Msg{
			&exchangetypes.MsgDeposit{Owner: o, Amount: sdk.NewInt64Coin(w.eurc, 500_000_000_000)},
			&exchangetypes.MsgDeposit{Owner: o, Amount: sdk.NewInt64Coin(w.gcrd, 500_000_000)},
			&exchangetypes.MsgDeposit{Owner: o, Amount: sdk.NewInt64Coin(BondDenom, 100_000_000_000)},
		}})
	}
	for i, r := range c.deliver(1, txs) {
		require.Zero(c.t, r.Code, "setup tx %d: %s", i, r.Log)
	}
}

// detGen draws a block's txs from a seeded PCG and the state read back from
// the chain (which must be identical between runs).
type detGen struct {
	r   *rand.Rand
	cid int
}

func newDetGen(seed uint64) *detGen {
	return &detGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *detGen) side() exchangetypes.Side { return exchangetypes.Side(1 + g.r.IntN(2)) }

// spec draws an order of any type on market m near its reference price.
func (g *detGen) spec(c *detChain, m uint64, h int64) exchangetypes.OrderSpec {
	r := g.r
	ref := c.refs[m]
	side := g.side()
	sign := int64(1) // away from the touch: lower for buys, higher for sells
	if side == exchangetypes.Side_SIDE_SELL {
		sign = -1
	}
	at := func(d int64) int64 { return max(1, ref-sign*d) } // d > 0 passive, d < 0 aggressive
	qty := uint64(1 + r.IntN(25))
	s := exchangetypes.OrderSpec{MarketId: m, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: at(int64(r.IntN(9)) - 3), Quantity: qty}
	auction := m == mktAuction
	switch x := r.IntN(100); {
	case x < 30: // GTC limit
	case x < 40:
		s.TimeInForce, s.ExpireBlock = exchangetypes.TimeInForce_TIME_IN_FORCE_GTB, h+1+int64(r.IntN(4))
	case x < 48:
		s.TimeInForce, s.ExpireTime = exchangetypes.TimeInForce_TIME_IN_FORCE_GTT, blockTime(h).Unix()+int64(1+r.IntN(12))
	case x < 58:
		s.TimeInForce, s.Price = exchangetypes.TimeInForce_TIME_IN_FORCE_IOC, at(-int64(r.IntN(5)))
	case x < 65:
		if !auction {
			s.TimeInForce, s.Price = exchangetypes.TimeInForce_TIME_IN_FORCE_FOK, at(-int64(r.IntN(5)))
		}
	case x < 73:
		if !auction {
			s.PostOnly, s.Price = true, at(1+int64(r.IntN(5)))
		}
	case x < 85:
		s.Type, s.Price = exchangetypes.OrderType_ORDER_TYPE_MARKET, at(-15) // worst price
		s.TimeInForce = exchangetypes.TimeInForce_TIME_IN_FORCE_IOC
		if !auction && r.IntN(3) == 0 {
			s.TimeInForce = exchangetypes.TimeInForce_TIME_IN_FORCE_FOK
		}
	case x < 93: // a buy stop triggers above the reference, a sell stop below
		s.Type, s.TriggerPrice = exchangetypes.OrderType_ORDER_TYPE_STOP_LIMIT, at(-1-int64(r.IntN(4)))
		s.Price = max(1, s.TriggerPrice+sign*int64(r.IntN(3)))
	default:
		s.Type, s.TriggerPrice = exchangetypes.OrderType_ORDER_TYPE_STOP_MARKET, at(-1-int64(r.IntN(4)))
		s.Price = max(1, s.TriggerPrice+sign*10)
	}
	if r.IntN(10) < 3 {
		s.Stp = exchangetypes.STPMode(1 + r.IntN(4))
	}
	if r.IntN(10) < 3 {
		g.cid++
		s.ClientOrderId = fmt.Sprintf("c%d-%d", h, g.cid)
	}
	return s
}

func (g *detGen) market() uint64 {
	switch g.r.IntN(6) {
	case 0, 1:
		return mktAuction
	case 2, 3:
		return mktOracle
	}
	return mktContinuous
}

// pick returns one of trader i's resting orders (stops excluded when
// noStops), or false.
func (g *detGen) pick(c *detChain, i int, noStops bool) (detOrder, bool) {
	var cands []detOrder
	for _, o := range c.live[i] {
		if !noStops || !o.stop {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 {
		return detOrder{}, false
	}
	return cands[g.r.IntN(len(cands))], true
}

// block draws block h's txs: places of every type, cancels, cancel-replaces,
// mass cancels, batches, heartbeats, deposits and withdrawals.
func (g *detGen) block(c *detChain, h int64) []detTx {
	r := g.r
	n := 8 + r.IntN(12)
	txs := make([]detTx, 0, n)
	for range n {
		i := r.IntN(len(c.w.traders))
		tr := c.w.traders[i]
		owner := tr.addr.String()
		var msg sdk.Msg
		switch x := r.IntN(100); {
		case x < 44:
		case x < 56:
			if o, ok := g.pick(c, i, false); ok {
				msg = &exchangetypes.MsgCancelOrder{Owner: owner, MarketId: o.market, OrderId: o.id}
			}
		case x < 66:
			if o, ok := g.pick(c, i, true); ok {
				msg = &exchangetypes.MsgCancelReplace{Owner: owner, MarketId: o.market, OrderId: o.id,
					Price: max(1, o.price+int64(r.IntN(5))-2), Quantity: uint64(1 + r.IntN(25))}
			}
		case x < 69:
			msg = &exchangetypes.MsgMassCancel{Owner: owner, MarketId: uint64(r.IntN(3)), Side: exchangetypes.Side(r.IntN(3))}
		case x < 83:
			b := &exchangetypes.MsgBatch{Owner: owner}
			seen := map[uint64]bool{}
			for range r.IntN(3) {
				if o, ok := g.pick(c, i, false); ok && !seen[o.id] {
					seen[o.id] = true
					b.Cancels = append(b.Cancels, exchangetypes.CancelSpec{MarketId: o.market, OrderId: o.id})
				}
			}
			for range 1 + r.IntN(4) {
				b.Places = append(b.Places, g.spec(c, g.market(), h))
			}
			msg = b
		case x < 86: // a batch whose last place is refused: the whole tx and its queued orders roll back
			b := &exchangetypes.MsgBatch{Owner: owner}
			for range 1 + r.IntN(3) {
				b.Places = append(b.Places, g.spec(c, g.market(), h))
			}
			bad := g.spec(c, g.market(), h)
			bad.Quantity = 0
			b.Places = append(b.Places, bad)
			msg = b
		case x < 90:
			window := uint64(0) // disarms
			if r.IntN(5) > 0 {
				window = uint64(2 + r.IntN(7))
			}
			msg = &exchangetypes.MsgHeartbeat{Owner: owner, WindowBlocks: window}
		case x < 95:
			denoms := []string{c.w.eurc, c.w.gcrd, BondDenom}
			msg = &exchangetypes.MsgDeposit{Owner: owner, Amount: sdk.NewInt64Coin(denoms[r.IntN(3)], 1+r.Int64N(1_000_000))}
		default:
			denoms := []string{c.w.eurc, c.w.gcrd, BondDenom}
			msg = &exchangetypes.MsgWithdraw{Owner: owner, Amount: sdk.NewInt64Coin(denoms[r.IntN(3)], 1+r.Int64N(100_000))}
		}
		if msg == nil {
			msg = &exchangetypes.MsgPlaceOrder{Owner: owner, Order: g.spec(c, g.market(), h)}
		}
		txs = append(txs, detTx{tr, []sdk.Msg{msg}})
	}
	// The feeder prices the oracle market's feed near its last trade, except
	// in its silent stretches.
	if !detFeedSilent(h) {
		txs = append(txs, detTx{c.w.feeder, []sdk.Msg{&oracletypes.MsgSubmitPrice{Feeder: c.w.feeder.addr.String(),
			FeedId: detFeed, Price: max(1, c.refs[mktOracle]+int64(r.IntN(5))-2)}}})
	}
	return txs
}

// runDet runs the setup block and blocks 2..detBlocks from seed on a fresh
// app; with restartAt > 0 it closes and reopens the app after that height.
func runDet(t *testing.T, w *detWorld, seed uint64, restartAt int64) *detChain {
	c := newDetChain(t, w)
	c.setup()
	g := newDetGen(seed)
	for h := int64(2); h <= detBlocks; h++ {
		for _, r := range c.deliver(h, g.block(c, h)) {
			if r.Code == 0 {
				c.txOK++
			} else {
				c.txFailed++
				if r.Codespace == exchangetypes.ModuleName && r.Code == exchangetypes.ErrOwnerOrderCap.ABCICode() {
					c.events["deliver owner-order-cap"]++ // refused in DeliverTx (issue 14)
				}
			}
		}
		if h == restartAt {
			c.restart()
		}
	}
	return c
}

func TestMatchingDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-app block-by-block run: skipped with -short")
	}
	w := newDetWorld(t)
	a := runDet(t, w, detSeed, 0)
	t.Logf("run 1: %d blocks, %d txs ok, %d failed, %d fills, %d trades recorded, at most %d commands carried over, app hash %X",
		len(a.hashes), a.txOK, a.txFailed, a.fills, a.trades, a.maxCarried, a.hashes[len(a.hashes)-1])
	for _, typ := range slices.Sorted(maps.Keys(a.events)) {
		if strings.Contains(typ, "exchange") || strings.HasPrefix(typ, "reason ") {
			t.Logf("  %6d %s", a.events[typ], typ)
		}
	}
	for _, typ := range []string{"clearchain.exchange.v1.EventOrderTriggered", "clearchain.exchange.v1.EventOrderExpired",
		"clearchain.exchange.v1.EventOrderCancelled", "clearchain.exchange.v1.EventHeartbeatExpired", "exchange_sweep",
		`reason "heartbeat-lapsed"`, `reason "mass-cancel"`,
		// The oracle market: its feed went stale (halt) and fresh again
		// (resume); takers clipped at the breaker's limits (limit state).
		`clearchain.exchange.v1.EventMarketHalted "oracle-stale"`, `clearchain.exchange.v1.EventMarketResumed "oracle-stale"`,
		`reason "market-halted"`} {
		require.Positive(t, a.events[typ], "no %s in %d blocks", typ, detBlocks)
	}
	// The breaker's limit state (LULD), in either direction: orders priced
	// beyond the limits are refused in DeliverTx, so the flow decides which.
	require.Positive(t, a.events[`clearchain.exchange.v1.EventMarketLimitState "limit-up"`]+
		a.events[`clearchain.exchange.v1.EventMarketLimitState "limit-down"`], "no limit state in %d blocks", detBlocks)
	// The owner cap: refused in DeliverTx, or rejected in EndBlock (carried over).
	require.Positive(t, a.events[`reason "owner-order-cap"`]+a.events["deliver owner-order-cap"], "no owner-order-cap in %d blocks", detBlocks)
	t.Logf("  %6d owner-order-cap refused in DeliverTx", a.events["deliver owner-order-cap"])
	require.Positive(t, a.maxCarried, "no command was ever carried over to the next block")
	require.GreaterOrEqual(t, a.trades, uint64(50), "too few trades: matching is not exercised")
	require.GreaterOrEqual(t, a.fills, 50, "too few fill events")
	require.Greater(t, a.txOK, 3*a.txFailed, "most txs must succeed")

	compare := func(name string, b *detChain) {
		t.Helper()
		require.Equal(t, len(a.hashes), len(b.hashes))
		for i := range a.hashes {
			require.Equal(t, a.hashes[i], b.hashes[i], "%s: non-determinism: app hash differs at height %d", name, i+1)
			require.Equal(t, a.results[i], b.results[i], "%s: non-determinism: FinalizeBlock results/events differ at height %d", name, i+1)
		}
		require.Equal(t, a.fills, b.fills, name)
		require.Equal(t, a.trades, b.trades, name)
	}
	compare("second run", runDet(t, w, detSeed, 0))
	compare("run restarted at half", runDet(t, w, detSeed, detBlocks/2))
}
