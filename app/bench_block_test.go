package app

// BenchmarkBlock: the whole FinalizeBlock + Commit of one block of signed
// order txs (ante chain with signature checks, the compliance gate, the
// exchange msg server, EndBlock matching and settlement, the IAVL commit on
// Pebble) on a market with a 100k-order resting book. Beside
// x/exchange's BenchmarkEndBlock, which times EndBlock alone.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"
	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/cosmos/cosmos-sdk/baseapp"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

const (
	benchTraders = 200
	benchMid     = 100_000
)

// benchResting is the resting book of BenchmarkBlock: 100k orders, or
// BENCH_BLOCK_RESTING (e.g. 10000, for a quicker set-up when comparing
// the per-order cost of delivery, which hardly depends on the book).
var benchResting = func() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_BLOCK_RESTING")); err == nil && n >= 0 {
		return n
	}
	return 100_000
}()

// cpuTime is the CPU time (user + system) of the whole process so far: the
// delivery, GC and every other thread, less distorted than wall time on a
// shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchChain is one app on a Pebble database, driven block by block.
type benchChain struct {
	b         *testing.B
	app       *ClearApp
	valSet    *cmttypes.ValidatorSet
	height    int64
	regulator *detAccount
	issuer    *detAccount
	traders   []*detAccount
	market    uint64
	rng       *rand.Rand
}

func newBenchChain(b *testing.B) *benchChain {
	db, err := dbm.NewDB("application", dbm.PebbleDBBackend, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return newBenchChainOn(b, db)
}

// newBenchChainOn is newBenchChain on the application database db.
func newBenchChainOn(b *testing.B, db dbm.DB) *benchChain {
	c := &benchChain{b: b, regulator: newDetAccount("bench-regulator"), issuer: newDetAccount("bench-issuer"), rng: rand.New(rand.NewPCG(1, 2))}
	for i := 0; i < benchTraders; i++ {
		c.traders = append(c.traders, newDetAccount(fmt.Sprintf("bench-trader-%d", i)))
	}
	all := append([]*detAccount{c.regulator, c.issuer}, c.traders...)
	valPub := cmted25519.GenPrivKeyFromSecret([]byte("clearchain-bench/validator")).PubKey()
	c.valSet = cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(valPub, 1)})
	b.Cleanup(func() { db.Close() })
	home := b.TempDir()
	a, err := New(log.NewNopLogger(), db, true, simtestutil.NewAppOptionsWithFlagHome(home), nil, baseapp.SetChainID(simChainID))
	if err != nil {
		b.Fatal(err)
	}
	c.app = a
	cdc := a.AppCodec()
	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for i, acc := range all {
		acc.num, acc.seq = uint64(i), 0
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.addr, nil, uint64(i), 0))
		balances = append(balances, banktypes.Balance{Address: acc.addr.String(), Coins: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000_000_000))})
	}
	state, err := simtestutil.GenesisStateWithValSet(cdc, a.DefaultGenesis(), c.valSet, genAccs, balances...)
	if err != nil {
		b.Fatal(err)
	}
	comp := compliancetypes.DefaultGenesis()
	comp.Params.Authority = c.regulator.addr.String()
	lic := func(a sdk.AccAddress, entity uint64, role compliancetypes.Role) {
		comp.Licences = append(comp.Licences, compliancetypes.Licence{Address: a.String(), EntityId: entity, Roles: []compliancetypes.Role{role}, IssuedAt: detGenesisTime})
	}
	comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: 1, Name: "Bench Validator SA", Lei: "635400BENCHVALIDATOR", Jurisdiction: "LU"},
		compliancetypes.Entity{Id: 2, Name: "Bench Issuer SA", Lei: "635400BENCHISSUER000", Jurisdiction: "LU"})
	lic(sdk.AccAddress(c.valSet.Validators[0].Address), 1, compliancetypes.RoleValidatorOperator)
	lic(c.issuer.addr, 2, compliancetypes.RoleIssuer)
	for i, t := range c.traders {
		id := uint64(3 + i) // one entity each: self-trade prevention only within an account
		comp.Entities = append(comp.Entities, compliancetypes.Entity{Id: id, Name: fmt.Sprintf("Bench Trader %d", i), Lei: fmt.Sprintf("BENCHTRADER%09d", i), Jurisdiction: "DE"})
		lic(t.addr, id, compliancetypes.RoleInstitution)
	}
	comp.NextEntityId = uint64(3 + len(c.traders))
	state[compliancetypes.ModuleName] = cdc.MustMarshalJSON(comp)
	ex := exchangetypes.DefaultGenesis()
	ex.Params.Authority = c.regulator.addr.String()
	state[exchangetypes.ModuleName] = cdc.MustMarshalJSON(ex)
	bz, err := json.Marshal(state)
	if err != nil {
		b.Fatal(err)
	}
	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	if _, err := a.InitChain(&abci.RequestInitChain{ChainId: simChainID, InitialHeight: 1, Time: detGenesisTime, ConsensusParams: &cp, AppStateBytes: bz}); err != nil {
		b.Fatal(err)
	}
	c.finalize(nil)

	// Assets, minted to every trader and deposited; the market.
	base, _ := assetstypes.Denom(c.issuer.addr.String(), "bbase")
	quote, _ := assetstypes.Denom(c.issuer.addr.String(), "bquote")
	msgs := []sdk.Msg{
		&assetstypes.MsgCreateAsset{Issuer: c.issuer.addr.String(), Symbol: "bbase", Name: "Bench base", Class: assetstypes.ClassOther, SupplyCap: sdkmath.ZeroInt()},
		&assetstypes.MsgCreateAsset{Issuer: c.issuer.addr.String(), Symbol: "bquote", Name: "Bench quote", Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()},
	}
	for _, t := range c.traders {
		for _, d := range []string{base, quote} {
			msgs = append(msgs, &assetstypes.MsgMint{Admin: c.issuer.addr.String(), Denom: d, Amount: sdkmath.NewInt(1_000_000_000_000_000), Recipient: t.addr.String()})
		}
	}
	txs := [][]byte{c.sign(c.issuer, msgs...)}
	m := exchangetypes.Market{BaseDenom: base, QuoteDenom: quote, TickSize: sdkmath.OneInt(), LotSize: sdkmath.OneInt(),
		MinNotional: sdkmath.OneInt(), MakerFeeBps: 1, TakerFeeBps: 5, Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS}
	txs = append(txs, c.sign(c.regulator, &exchangetypes.MsgCreateMarket{Authority: c.regulator.addr.String(), Market: m, Reason: "bench"}))
	c.mustFinalize(txs)
	c.market = 1
	txs = nil
	for _, t := range c.traders {
		txs = append(txs, c.sign(t,
			&exchangetypes.MsgDeposit{Owner: t.addr.String(), Amount: sdk.NewInt64Coin(base, 500_000_000_000_000)},
			&exchangetypes.MsgDeposit{Owner: t.addr.String(), Amount: sdk.NewInt64Coin(quote, 500_000_000_000_000)}))
	}
	c.mustFinalize(txs)

	// The resting book: 50k bids below mid, 50k asks above, over 2x1000
	// levels, placed in batches of 100 (10k a block).
	for placed := 0; placed < benchResting; {
		txs = nil
		for _, t := range c.traders {
			if placed >= benchResting {
				break
			}
			places := make([]exchangetypes.OrderSpec, 100)
			for i := range places {
				off := int64(1 + c.rng.IntN(1000))
				side, price := exchangetypes.Side_SIDE_BUY, benchMid-off
				if (placed+i)%2 == 1 {
					side, price = exchangetypes.Side_SIDE_SELL, benchMid+off
				}
				places[i] = benchLimit(c.market, side, price, uint64(1+c.rng.IntN(50)))
			}
			placed += len(places)
			txs = append(txs, c.sign(t, &exchangetypes.MsgBatch{Owner: t.addr.String(), Places: places}))
		}
		c.mustFinalize(txs)
	}
	return c
}

func benchLimit(market uint64, side exchangetypes.Side, price int64, qty uint64) exchangetypes.OrderSpec {
	return exchangetypes.OrderSpec{MarketId: market, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: qty}
}

// flowOrder is one order of a block's flow (as in BenchmarkEndBlock): 30%
// aggressive (up to 5 levels deep), 60% passive within 200 ticks of the
// mid, 10% IOC.
func (c *benchChain) flowOrder() exchangetypes.OrderSpec {
	side, sign := exchangetypes.Side_SIDE_BUY, int64(1)
	if c.rng.IntN(2) == 0 {
		side, sign = exchangetypes.Side_SIDE_SELL, -1
	}
	s := benchLimit(c.market, side, 0, uint64(1+c.rng.IntN(20)))
	switch r := c.rng.IntN(10); {
	case r < 3:
		s.Price = benchMid + sign*int64(c.rng.IntN(5))
	case r < 9:
		s.Price = benchMid - sign*int64(1+c.rng.IntN(200))
	default:
		s.Price = benchMid + sign*int64(c.rng.IntN(3))
		s.TimeInForce = exchangetypes.TimeInForce_TIME_IN_FORCE_IOC
	}
	return s
}

// sign signs msgs from a at its next sequence (SIGN_MODE_DIRECT, no fee).
func (c *benchChain) sign(a *detAccount, msgs ...sdk.Msg) []byte {
	cfg := c.app.TxConfig()
	mode, err := authsign.APISignModeToInternal(cfg.SignModeHandler().DefaultMode())
	if err != nil {
		c.b.Fatal(err)
	}
	tb := cfg.NewTxBuilder()
	if err := tb.SetMsgs(msgs...); err != nil {
		c.b.Fatal(err)
	}
	tb.SetGasLimit(detGasLimit)
	pub := a.priv.PubKey()
	sig := signing.SignatureV2{PubKey: pub, Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: a.seq}
	if err := tb.SetSignatures(sig); err != nil {
		c.b.Fatal(err)
	}
	bz, err := authsign.GetSignBytesAdapter(context.Background(), cfg.SignModeHandler(), mode, authsign.SignerData{
		Address: a.addr.String(), ChainID: simChainID, AccountNumber: a.num, Sequence: a.seq, PubKey: pub,
	}, tb.GetTx())
	if err != nil {
		c.b.Fatal(err)
	}
	if sig.Data.(*signing.SingleSignatureData).Signature, err = a.priv.Sign(bz); err != nil {
		c.b.Fatal(err)
	}
	if err := tb.SetSignatures(sig); err != nil {
		c.b.Fatal(err)
	}
	raw, err := cfg.TxEncoder()(tb.GetTx())
	if err != nil {
		c.b.Fatal(err)
	}
	a.seq++
	return raw
}

// finalize runs FinalizeBlock + Commit of the next block.
func (c *benchChain) finalize(txs [][]byte) *abci.ResponseFinalizeBlock {
	c.height++
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: txs, Height: c.height, Time: detGenesisTime.Add(time.Duration(c.height) * time.Second),
		NextValidatorsHash: c.valSet.Hash(), ProposerAddress: c.valSet.Validators[0].Address,
	})
	if err != nil {
		c.b.Fatalf("height %d: %v", c.height, err)
	}
	if _, err := c.app.Commit(); err != nil {
		c.b.Fatalf("commit %d: %v", c.height, err)
	}
	return res
}

// mustFinalize requires every tx of the block to succeed.
func (c *benchChain) mustFinalize(txs [][]byte) *abci.ResponseFinalizeBlock {
	res := c.finalize(txs)
	for i, r := range res.TxResults {
		if r.Code != 0 {
			c.b.Fatalf("height %d tx %d: code %d: %s", c.height, i, r.Code, r.Log)
		}
	}
	return res
}

// BenchmarkBlock times FinalizeBlock + Commit of one block of signed order
// txs on a 100k-order book: 10k orders as 200 MsgBatch txs of 50, or 2,000
// single-order MsgPlaceOrder txs. As on a node, every tx first passes
// CheckTx (outside the timer, as the mempool does on submission), so
// sigcache=on shows the verified-signature cache (sigcache.go) and
// sigcache=off the same block with every signature verified again.
func BenchmarkBlock(b *testing.B) {
	for _, bc := range []struct {
		name       string
		txs, perTx int
	}{
		{"batch50x200tx", 200, 50},
		{"single2000tx", 2000, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := newBenchChain(b)
			for _, cache := range []bool{false, true} {
				b.Run(fmt.Sprintf("sigcache=%v", map[bool]string{false: "off", true: "on"}[cache]), func(b *testing.B) {
					c.b = b
					c.app.SigCache.SetEnabled(cache)
					defer c.app.SigCache.SetEnabled(true)
					benchBlocks(b, c, bc.txs, bc.perTx)
				})
			}
		})
	}
}

// benchBlocks runs b.N blocks of txsPerBlock signed order txs of perTx
// orders each (MsgPlaceOrder when perTx is 1, MsgBatch otherwise) through
// CheckTx (outside the timer) and FinalizeBlock + Commit, and reports the
// block's wall time, orders/s, txs/s and CPU per order.
func benchBlocks(b *testing.B, c *benchChain, txsPerBlock, perTx int) {
	b.ReportAllocs()
	b.ResetTimer()
	var total, cpu time.Duration
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		txs := make([][]byte, txsPerBlock)
		for i := range txs {
			t := c.traders[i%len(c.traders)]
			if perTx == 1 {
				txs[i] = c.sign(t, &exchangetypes.MsgPlaceOrder{Owner: t.addr.String(), Order: c.flowOrder()})
			} else {
				places := make([]exchangetypes.OrderSpec, perTx)
				for j := range places {
					places[j] = c.flowOrder()
				}
				txs[i] = c.sign(t, &exchangetypes.MsgBatch{Owner: t.addr.String(), Places: places})
			}
			if res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: txs[i], Type: abci.CheckTxType_New}); err != nil || res.Code != 0 {
				b.Fatalf("CheckTx: %v %v", err, res)
			}
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		c.mustFinalize(txs)
		total += time.Since(start)
		cpu += cpuTime() - cpu0
	}
	b.StopTimer()
	perBlock := total.Seconds() / float64(b.N)
	b.ReportMetric(perBlock*1000, "ms/block")
	b.ReportMetric(float64(txsPerBlock*perTx)/perBlock, "orders/s")
	b.ReportMetric(float64(txsPerBlock)/perBlock, "txs/s")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N*txsPerBlock*perTx), "cpu-ms/order")
}
