package main

import (
	"context"
	"fmt"
	"time"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/app"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Market of the load: 1 quote unit a tick, 1 base unit a lot, orders of a
// few lots around midPrice ticks.
const (
	midPrice    = 10_000
	mintAmount  = 1_000_000_000_000 // base and quote units minted to each trader
	feeAmount   = 1_000_000_000     // uclear sent to each account for bank sends
	msgsPerTx   = 100               // setup messages per tx
	setupGasCap = 60_000_000        // gas limit of a setup tx
)

// world is what setup made: the traders and the market.
type world struct {
	traders     []*account
	marketID    uint64
	base, quote string
	maxPerBlock uint32 // exchange params.max_orders_per_block
	regulator   *account
	issuer      *account
	foreign     *foreignChain // set for clear-load foreign run: bank sends only
}

// chunk splits msgs into groups of at most n.
func chunk(msgs []sdk.Msg, n int) [][]sdk.Msg {
	var out [][]sdk.Msg
	for len(msgs) > n {
		out = append(out, msgs[:n])
		msgs = msgs[n:]
	}
	if len(msgs) > 0 {
		out = append(out, msgs)
	}
	return out
}

// signAll signs msgs from a in txs of at most msgsPerTx messages.
func (c *chain) signAll(a *account, msgs []sdk.Msg) ([]signedTx, error) {
	var txs []signedTx
	for _, group := range chunk(msgs, msgsPerTx) {
		tx, err := c.sign(a, setupGasCap, group...)
		if err != nil {
			return nil, err
		}
		txs = append(txs, tx)
	}
	return txs, nil
}

// traderLEI is trader i's (made-up, well-formed) legal entity identifier:
// one entity per trader, so self-trade prevention applies only to an
// account's own orders.
func traderLEI(i int) string { return fmt.Sprintf("CLRLOADTRADER%07d", i) }

const issuerLEI = "CLRLOADISSUER0000000"

// setup funds, registers and licenses the traders, creates the two
// assets and the market, and deposits into the exchange. The regulator
// (named "regulator" under seed) must be the compliance authority and
// hold uclear at genesis (scripts/bench-e2e.sh does both).
func setup(ctx context.Context, c *chain, seed string, n int) (*world, error) {
	w := &world{regulator: newAccount(seed, "regulator"), issuer: newAccount(seed, "issuer")}
	for i := 0; i < n; i++ {
		w.traders = append(w.traders, newAccount(seed, fmt.Sprintf("trader-%d", i)))
	}
	reg, iss := w.regulator, w.issuer
	if err := c.refresh(ctx, reg); err != nil {
		return nil, fmt.Errorf("the regulator account must exist at genesis (clear-load address regulator): %w", err)
	}
	step := func(what string, a *account, msgs []sdk.Msg) error {
		t0 := time.Now()
		txs, err := c.signAll(a, msgs)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := c.commit(ctx, what, txs); err != nil {
			return err
		}
		progress("setup: %s: %d messages in %d txs, %.1f s", what, len(msgs), len(txs), time.Since(t0).Seconds())
		return nil
	}

	// 1. uclear for fees and bank sends; one entity per trader.
	var msgs []sdk.Msg
	fund := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, feeAmount))
	all := append([]*account{iss}, w.traders...)
	for i := 0; i < len(all); i += 500 {
		end := min(i+500, len(all))
		var outs []banktypes.Output
		for _, a := range all[i:end] {
			outs = append(outs, banktypes.NewOutput(a.addr, fund))
		}
		total := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, feeAmount*int64(end-i)))
		msgs = append(msgs, &banktypes.MsgMultiSend{Inputs: []banktypes.Input{banktypes.NewInput(reg.addr, total)}, Outputs: outs})
	}
	msgs = append(msgs, &compliancetypes.MsgRegisterEntity{Authority: reg.addr.String(), Name: "Load Issuer", Lei: issuerLEI, Jurisdiction: "DE", Reason: "clear-load"})
	for i := range w.traders {
		msgs = append(msgs, &compliancetypes.MsgRegisterEntity{Authority: reg.addr.String(), Name: fmt.Sprintf("Load Trader %d", i), Lei: traderLEI(i), Jurisdiction: "DE", Reason: "clear-load"})
	}
	if err := step("fund accounts, register entities", reg, msgs); err != nil {
		return nil, err
	}

	// 2. Licences.
	ids := map[string]uint64{}
	var key []byte
	for {
		res, err := compliancetypes.NewQueryClient(c.conn).Entities(ctx, &compliancetypes.QueryEntitiesRequest{Pagination: &query.PageRequest{Key: key, Limit: 1000}})
		if err != nil {
			return nil, fmt.Errorf("entities: %w", err)
		}
		for _, e := range res.Entities {
			ids[e.Lei] = e.Id
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			break
		}
		key = res.Pagination.NextKey
	}
	msgs = []sdk.Msg{&compliancetypes.MsgGrantLicence{Authority: reg.addr.String(), Address: iss.addr.String(), EntityId: ids[issuerLEI],
		Roles: []compliancetypes.Role{compliancetypes.RoleIssuer}, Reason: "clear-load"}}
	for i, t := range w.traders {
		id, ok := ids[traderLEI(i)]
		if !ok {
			return nil, fmt.Errorf("entity %s was not registered", traderLEI(i))
		}
		msgs = append(msgs, &compliancetypes.MsgGrantLicence{Authority: reg.addr.String(), Address: t.addr.String(), EntityId: id,
			Roles: []compliancetypes.Role{compliancetypes.RoleInstitution}, Reason: "clear-load"})
	}
	if err := step("grant licences", reg, msgs); err != nil {
		return nil, err
	}

	// 3. Assets, minted to every trader.
	if err := c.refresh(ctx, iss); err != nil {
		return nil, err
	}
	var err error
	if w.base, err = assetstypes.Denom(iss.addr.String(), "lbase"); err != nil {
		return nil, err
	}
	if w.quote, err = assetstypes.Denom(iss.addr.String(), "lquote"); err != nil {
		return nil, err
	}
	msgs = []sdk.Msg{
		&assetstypes.MsgCreateAsset{Issuer: iss.addr.String(), Symbol: "lbase", Name: "Load base asset", Class: assetstypes.ClassOther, SupplyCap: sdkmath.ZeroInt()},
		&assetstypes.MsgCreateAsset{Issuer: iss.addr.String(), Symbol: "lquote", Name: "Load quote cash", Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()},
	}
	for _, t := range w.traders {
		for _, d := range []string{w.base, w.quote} {
			msgs = append(msgs, &assetstypes.MsgMint{Admin: iss.addr.String(), Denom: d, Amount: sdkmath.NewInt(mintAmount), Recipient: t.addr.String()})
		}
	}
	if err := step("create and mint assets", iss, msgs); err != nil {
		return nil, err
	}

	// 4. The market: continuous, no fees, no band (the load is about
	// throughput, not price protection).
	m := exchangetypes.Market{BaseDenom: w.base, QuoteDenom: w.quote, TickSize: sdkmath.OneInt(), LotSize: sdkmath.OneInt(),
		MinNotional: sdkmath.OneInt(), Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS}
	if err := step("create market", reg, []sdk.Msg{&exchangetypes.MsgCreateMarket{Authority: reg.addr.String(), Market: m, Reason: "clear-load"}}); err != nil {
		return nil, err
	}
	eq := exchangetypes.NewQueryClient(c.conn)
	mres, err := eq.Markets(ctx, &exchangetypes.QueryMarketsRequest{})
	if err != nil {
		return nil, fmt.Errorf("markets: %w", err)
	}
	for _, mk := range mres.Markets {
		if mk.BaseDenom == w.base && mk.QuoteDenom == w.quote {
			w.marketID = mk.Id
		}
	}
	if w.marketID == 0 {
		return nil, fmt.Errorf("the market %s/%s is not listed", w.base, w.quote)
	}
	pres, err := eq.Params(ctx, &exchangetypes.QueryParamsRequest{})
	if err != nil {
		return nil, fmt.Errorf("exchange params: %w", err)
	}
	w.maxPerBlock = pres.Params.MaxOrdersPerBlock

	// 5. Every trader deposits half its base and quote.
	t0 := time.Now()
	var txs []signedTx
	for _, t := range w.traders {
		if err := c.refresh(ctx, t); err != nil {
			return nil, err
		}
		tx, err := c.sign(t, 400_000,
			&exchangetypes.MsgDeposit{Owner: t.addr.String(), Amount: sdk.NewInt64Coin(w.base, mintAmount/2)},
			&exchangetypes.MsgDeposit{Owner: t.addr.String(), Amount: sdk.NewInt64Coin(w.quote, mintAmount/2)})
		if err != nil {
			return nil, err
		}
		txs = append(txs, tx)
	}
	if err := c.commit(ctx, "deposits", txs); err != nil {
		return nil, err
	}
	progress("setup: %d traders deposited, %.1f s; market %d (%s/%s), max_orders_per_block %d",
		len(w.traders), time.Since(t0).Seconds(), w.marketID, w.base, w.quote, w.maxPerBlock)
	return w, nil
}
