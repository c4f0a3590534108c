package simulation

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

// holding is what an exported account holds of one of the exported
// market's denoms and the regulator may move with MsgForceTransfer: its
// bank balance plus its free exchange balance.
type holding struct {
	addr  string
	denom string
	amt   sdkmath.Int
}

// pickExportedMarket chooses the market the cast trades on an exported
// state: the active continuous market with the lowest id. Its denoms
// become c.asset and c.cash, its oracle feed (or an exported feed on the
// same pair) the feed the simulated validators vote on; only when the
// export has no such feed is a simulation feed added on that pair. The
// scenario's exchange params and the simulated regulator as the exchange's
// authority are written into the exchange state; markets, books and
// balances are kept. The holders of the market's denoms are read from the
// bank and exchange states (the accounts the setup block funds the cast
// from).
//
// The authority can move only restricted assets (MsgForceTransfer). For a
// denom of the market that is not restricted nothing on the chain can move
// the holders' coins without their keys: each cast account is credited its
// share in the bank genesis instead (the supply grows by as much), and the
// report's funding says so (Result.GenesisFunded).
func (c *chain) pickExportedMarket(state map[string]json.RawMessage, agents []*agent) error {
	cdc := c.app.AppCodec()
	s := c.scn
	ex := exchangetypes.DefaultGenesis()
	if err := cdc.UnmarshalJSON(state[exchangetypes.ModuleName], ex); err != nil {
		return fmt.Errorf("simulation: --from-genesis: app_state.exchange: %w", err)
	}
	var mk *exchangetypes.Market
	var ids []string
	for i := range ex.Markets {
		m := &ex.Markets[i]
		ids = append(ids, fmt.Sprint(m.Id))
		if s.Market.ID != 0 {
			if m.Id == s.Market.ID {
				mk = m
			}
			continue
		}
		if m.Status != exchangetypes.MarketStatus_MARKET_STATUS_ACTIVE || m.Mode != exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS {
			continue
		}
		if mk == nil || m.Id < mk.Id {
			mk = m
		}
	}
	if s.Market.ID != 0 {
		switch {
		case mk == nil:
			return fmt.Errorf("simulation: bad scenario: %s: market.id: market %d is not in the exported state (its markets: %s)",
				s.Name, s.Market.ID, strings.Join(ids, ", "))
		case mk.Status != exchangetypes.MarketStatus_MARKET_STATUS_ACTIVE || mk.Mode != exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS:
			return fmt.Errorf("simulation: bad scenario: %s: market.id: market %d is %s and %s; the cast trades an active continuous market",
				s.Name, mk.Id, mk.Status, mk.Mode)
		}
	}
	if mk == nil {
		return fmt.Errorf("simulation: --from-genesis: app_state.exchange.markets has no active continuous market to trade")
	}
	c.market, c.asset, c.cash = mk.Id, mk.BaseDenom, mk.QuoteDenom
	for _, st := range ex.MarketStates {
		if st.MarketId == mk.Id && st.LastPrice > 0 {
			c.startPrice = st.LastPrice
		}
	}
	ex.Params.Authority = c.regulator.bech
	if s.Market.MaxOrdersPerBlock > 0 {
		ex.Params.MaxOrdersPerBlock = uint32(s.Market.MaxOrdersPerBlock)
	}
	ex.Params.MaxBatchSize = exchangetypes.MaxBatchSizeLimit
	state[exchangetypes.ModuleName] = cdc.MustMarshalJSON(ex)

	if !s.Oracle.Disabled {
		var og oracletypes.GenesisState
		if err := cdc.UnmarshalJSON(state[oracletypes.ModuleName], &og); err != nil {
			return fmt.Errorf("simulation: --from-genesis: app_state.oracle: %w", err)
		}
		c.feed = ""
		for _, f := range og.Feeds {
			if (mk.OracleFeed != "" && f.Id == mk.OracleFeed) || (mk.OracleFeed == "" && c.feed == "" && f.BaseDenom == mk.BaseDenom && f.QuoteDenom == mk.QuoteDenom) {
				c.feed = f.Id
			}
		}
		if c.feed == "" {
			c.feed = feedID
			for n := 2; slices.ContainsFunc(og.Feeds, func(f oracletypes.Feed) bool { return f.Id == c.feed }); n++ {
				c.feed = fmt.Sprintf("SIM%d/EURC", n)
			}
			og.Feeds = append(og.Feeds, oracletypes.Feed{Id: c.feed, Decimals: 0, MinSources: 1,
				MaxStalenessBlocks: s.Oracle.MaxStalenessBlocks, MaxDeviationBpsPerBlock: s.Oracle.MaxDeviationBpsPerBlock,
				BaseDenom: c.asset, QuoteDenom: c.cash})
			state[oracletypes.ModuleName] = cdc.MustMarshalJSON(&og)
		}
	}

	// Holders, in the exported lists' order (sorted by address there).
	var auth authtypes.GenesisState
	cdc.MustUnmarshalJSON(state[authtypes.ModuleName], &auth)
	accs, err := authtypes.UnpackAccounts(auth.Accounts)
	if err != nil {
		return err
	}
	module := map[string]bool{} // lookups only
	for _, a := range accs {
		if _, ok := a.(sdk.ModuleAccountI); ok {
			module[a.GetAddress().String()] = true
		}
	}
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(state[banktypes.ModuleName], &bank)
	add := func(addr, denom string, amt sdkmath.Int) {
		if module[addr] || !amt.IsPositive() {
			return
		}
		for i := range c.holders {
			if c.holders[i].addr == addr && c.holders[i].denom == denom {
				c.holders[i].amt = c.holders[i].amt.Add(amt)
				return
			}
		}
		c.holders = append(c.holders, holding{addr: addr, denom: denom, amt: amt})
	}
	for _, b := range bank.Balances {
		for _, d := range []string{c.asset, c.cash} {
			add(b.Address, d, b.Coins.AmountOf(d))
		}
	}
	for _, b := range ex.Balances {
		if b.Denom == c.asset || b.Denom == c.cash {
			add(b.Address, b.Denom, b.Balance.Free)
		}
	}

	// Each cast account's share of each denom: half of what the holders
	// hold, in equal shares.
	restricted := map[string]bool{} // lookups only
	if raw := state[assetstypes.ModuleName]; len(raw) > 0 {
		var ag assetstypes.GenesisState
		if err := cdc.UnmarshalJSON(raw, &ag); err != nil {
			return fmt.Errorf("simulation: --from-genesis: app_state.assets: %w", err)
		}
		for _, a := range ag.Assets {
			restricted[a.Denom] = a.Restricted
		}
	}
	n := 0
	for _, a := range agents {
		n += len(a.accounts)
	}
	if n == 0 {
		return nil
	}
	for _, denom := range []string{c.cash, c.asset} {
		total := sdkmath.ZeroInt()
		for _, h := range c.holders {
			if h.denom == denom {
				total = total.Add(h.amt)
			}
		}
		share := total.QuoRaw(2 * int64(n))
		if !share.IsPositive() {
			return fmt.Errorf("simulation: --from-genesis: no account of the exported state holds %s (bank or free exchange balance) to fund the cast with", denom)
		}
		if !share.IsInt64() {
			share = sdkmath.NewInt(1 << 62)
		}
		for _, a := range agents {
			if denom == c.cash {
				a.cash = share.Int64()
			} else {
				a.inventory = share.Int64()
			}
		}
		if restricted[denom] {
			continue // funded in the setup block (castTxs)
		}
		c.genesisFunded = append(c.genesisFunded, denom)
		coin := sdk.NewCoin(denom, share)
		for i := range bank.Balances {
			for _, a := range agents {
				for _, acc := range a.accounts {
					if bank.Balances[i].Address == acc.bech {
						bank.Balances[i].Coins = bank.Balances[i].Coins.Add(coin)
						bank.Supply = bank.Supply.Add(coin)
					}
				}
			}
		}
	}
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
	return nil
}

// castTxs is the setup block on an exported state, all signed by the
// simulated regulator: it registers the agents' entities (and their
// groups' parents) and grants their licences (MsgRegisterEntity,
// MsgGrantLicence), then funds every agent account with the exported
// market's restricted denoms by MsgForceTransfer from the exported
// holders, each account its share (see pickExportedMarket; unrestricted
// denoms were credited at genesis).
func (c *chain) castTxs(agents []*agent) ([]tx, error) {
	reg := c.regulator.bech
	var msgs []sdk.Msg
	next := c.nextEntity
	register := func(name, jur string, parent uint64) uint64 {
		id := next
		next++
		if parent != 0 {
			c.parents[id] = parent
		}
		msgs = append(msgs, &compliancetypes.MsgRegisterEntity{Authority: reg, Name: name,
			Lei: fmt.Sprintf("SIM%017d", id), Jurisdiction: jur, ParentId: parent, Reason: "simulation: " + c.scn.Name})
		return id
	}
	jurs := []string{"DE", "FR", "NL", "GB", "LU", "IE"}
	groups := map[string]uint64{} // lookups only
	var grants []sdk.Msg
	n := 0
	for i, a := range agents {
		parent := uint64(0)
		if a.group != "" {
			id, ok := groups[a.group]
			if !ok {
				id = register(a.group, "LU", 0)
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
			acc.entity = register(name, jurs[(i+j)%len(jurs)], parent)
			grants = append(grants, &compliancetypes.MsgGrantLicence{Authority: reg, Address: acc.bech, EntityId: acc.entity,
				Roles: []compliancetypes.Role{role}, Reason: "simulation: " + c.scn.Name})
			n++
		}
		a.entity = a.accounts[0].entity
	}
	txs := []tx{{from: c.regulator, msgs: append(msgs, grants...)}}
	if n == 0 {
		return txs, nil
	}
	var fund []sdk.Msg
	for _, denom := range []string{c.cash, c.asset} {
		if slices.Contains(c.genesisFunded, denom) {
			continue
		}
		var from []holding
		for _, h := range c.holders {
			if h.denom == denom {
				from = append(from, h)
			}
		}
		k := 0
		for _, a := range agents {
			share := sdkmath.NewInt(a.cash)
			if denom == c.asset {
				share = sdkmath.NewInt(a.inventory)
			}
			for _, acc := range a.accounts {
				need := share
				for need.IsPositive() && k < len(from) {
					amt := sdkmath.MinInt(need, from[k].amt)
					fund = append(fund, &compliancetypes.MsgForceTransfer{Authority: reg, From: from[k].addr, To: acc.bech,
						Amount: sdk.NewCoins(sdk.NewCoin(denom, amt)), Reason: "simulation: funding the cast"})
					from[k].amt = from[k].amt.Sub(amt)
					need = need.Sub(amt)
					if from[k].amt.IsZero() {
						k++
					}
				}
			}
		}
	}
	if len(fund) == 0 {
		return txs, nil
	}
	return append(txs, tx{from: c.regulator, msgs: fund}), nil
}
