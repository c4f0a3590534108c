package simulation

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// Green credits: the bundled green-credit contract
// (contracts-wasm/artifacts/green_credit.wasm) is stored and instantiated
// by the issuer in the setup block when the cast has a credit agent, and
// licensed ISSUER at genesis (it mints each batch as an x/assets denom).
// The agents call it with real MsgExecuteContract txs; what the contract
// refuses (an overlapping serial range, credits the sender no longer
// holds) fails in DeliverTx and shows under refusals (`tx wasm: …`).

// serialRange is an issued batch's serials, inclusive.
type serialRange struct {
	batch       uint64
	first, last uint64
	denom       string
}

func (r serialRange) String(contract string) string {
	return contract + ":" + strconv.FormatUint(r.first, 10) + "-" + strconv.FormatUint(r.last, 10)
}

// creditKinds are the agent kinds that use the green-credit contract.
var creditKinds = []string{KindCreditIssuer, KindCreditTrader, KindCreditDoubleIssuer, KindCreditRetiredMover, KindCreditCircular,
	KindCreditDoubleClaimer}

// issuesCredits: kinds whose accounts hold an ISSUER licence (the contract
// lets only licensed issuers issue).
func issuesCredits(kind string) bool {
	return kind == KindCreditIssuer || kind == KindCreditDoubleIssuer || kind == KindCreditRetiredMover || kind == KindCreditCircular ||
		kind == KindCreditDoubleClaimer
}

// planGreenCredit: with a credit agent in the cast, the contract is stored
// and instantiated after the data-asset contract (if any): code and
// instance 1, or 2 after it. Its address is known before genesis, which
// licenses it.
func (c *chain) planGreenCredit(agents []*agent, fresh bool) error {
	need := false
	for _, a := range agents {
		if contains(creditKinds, a.kind) {
			need = true
		}
	}
	if !need {
		return nil
	}
	if !fresh {
		return fmt.Errorf("simulation: --from-genesis: green-credit agents need a fresh chain (the contract's address is fixed before genesis only there)")
	}
	path, err := findUp(filepath.Join("contracts-wasm", "artifacts", "green_credit.wasm"))
	if err != nil {
		return fmt.Errorf("simulation: green-credit agents: %w", err)
	}
	if c.greenCreditWasm, err = os.ReadFile(path); err != nil {
		return fmt.Errorf("simulation: green-credit agents: %w", err)
	}
	c.gcCode = 1
	if c.dataAsset != "" {
		c.gcCode = 2
	}
	c.greenCredit = wasmkeeper.BuildContractAddressClassic(c.gcCode, c.gcCode).String()
	c.nextSerial = 1_000_000
	return nil
}

// greenCreditSetup stores and instantiates the contract (the issuer's tx).
func (c *chain) greenCreditSetup() []sdk.Msg {
	return []sdk.Msg{
		&wasmtypes.MsgStoreCode{Sender: c.issuer.bech, WASMByteCode: c.greenCreditWasm},
		&wasmtypes.MsgInstantiateContract{Sender: c.issuer.bech, Admin: c.issuer.bech, CodeID: c.gcCode, Label: "green-credit",
			Msg: []byte(`{"name":"SimCredit"}`)},
	}
}

func gcExec(c *chain, from *account, msg any, funds ...sdk.Coin) sdk.Msg {
	bz, _ := json.Marshal(msg)
	return &wasmtypes.MsgExecuteContract{Sender: from.bech, Contract: c.greenCredit, Msg: bz, Funds: sdk.NewCoins(funds...)}
}

func gcIssue(c *chain, from, to *account, first, mwh uint64) sdk.Msg {
	return gcExec(c, from, map[string]any{"issue": map[string]any{"project": "Sim Wind Park", "technology": "wind",
		"region": "PT", "vintage": 2026, "mwh": strconv.FormatUint(mwh, 10), "first_serial": strconv.FormatUint(first, 10),
		"recipient": to.bech}})
}

func gcTransfer(c *chain, from, to *account, denom string, n uint64) sdk.Msg {
	return gcExec(c, from, map[string]any{"transfer": map[string]any{"recipient": to.bech}},
		sdk.NewCoin(denom, sdkmath.NewIntFromUint64(n)))
}

func gcRetire(c *chain, from *account, denom string, n uint64) sdk.Msg {
	return gcExec(c, from, map[string]any{"retire": map[string]any{"beneficiary": "Sim Utility " + from.name, "reason": "scope 2"}},
		sdk.NewCoin(denom, sdkmath.NewIntFromUint64(n)))
}

// newSerials hands out a fresh serial range of n (never overlapping).
func (c *chain) newSerials(n uint64) uint64 {
	first := c.nextSerial
	c.nextSerial += n + 1000
	return first
}

// noteIssued records the batches a block's successful txs issued (the
// contract's issue action), in event order.
func (c *chain) noteIssued(ev []abci.Event) {
	for _, e := range ev {
		if e.Type != "wasm" || attrStr(e, "_contract_address") != c.greenCredit || attrStr(e, "action") != "issue" {
			continue
		}
		b, _ := attrUint(e, "batch_id")
		f, _ := attrUint(e, "first_serial")
		l, _ := attrUint(e, "last_serial")
		c.gcIssued = append(c.gcIssued, serialRange{batch: b, first: f, last: l, denom: attrStr(e, "denom")})
	}
}

// creditHoldings are acc's green-credit balances (denom → amount), in
// denom order, from the committed state.
func (c *chain) creditHoldings(acc *account) []sdk.Coin {
	var out []sdk.Coin
	prefix := "asset/" + c.greenCredit + "/"
	for _, co := range c.app.BankKeeper.GetAllBalances(c.queryCtx(), acc.addr) {
		if strings.HasPrefix(co.Denom, prefix) && co.Amount.IsPositive() {
			out = append(out, co)
		}
	}
	return out
}

// creditIssuer issues a batch of `amount` (100) MWh with fresh serials
// every `every` (10) blocks to a random credit trader (itself if none).
func (a *agent) creditIssuer(v *view, c *chain) []txEpisode {
	every := a.spec.Every
	if every == 0 {
		every = 10
	}
	if c.greenCredit == "" || v.h%every != 0 {
		return nil
	}
	mwh := a.spec.Amount
	if mwh == 0 {
		mwh = 100
	}
	to := a.accounts[0]
	var traders []*account
	for _, b := range c.agents {
		if b.kind == KindCreditTrader {
			traders = append(traders, b.accounts...)
		}
	}
	if len(traders) > 0 {
		to = traders[a.rng.IntN(len(traders))]
	}
	acc := a.accounts[0]
	return a.one(acc, gcIssue(c, acc, to, c.newSerials(mwh), mwh))
}

// creditTrader (clean): with chance activity_pct (30) a block, takes one
// batch it holds and either retires up to `size` (5) credits of it (one
// time in four, and always the last trader of its spec) or passes up to
// `size` on down its chain: to a later trader of its spec (a supply chain:
// credits flow one way, towards those who retire them), or, with `group`,
// to any other trader of its group (group-internal book-keeping, round
// trips included: a hard negative for the circular-transfer detector).
func (a *agent) creditTrader(v *view, c *chain) []txEpisode {
	if c.greenCredit == "" || !a.chance(a.activity()) {
		return nil
	}
	acc := a.accounts[0]
	held := c.creditHoldings(acc)
	if len(held) == 0 {
		return nil
	}
	co := held[a.rng.IntN(len(held))]
	n := min(co.Amount.Uint64(), 1+a.rng.Uint64N(a.size()))
	var peers []*account
	for _, b := range c.agents {
		if b == a || b.kind != KindCreditTrader || b.spec.Name != a.spec.Name {
			continue
		}
		if a.spec.Group || b.name > a.name {
			peers = append(peers, b.accounts[0])
		}
	}
	if len(peers) == 0 || a.chance(25) {
		return a.one(acc, gcRetire(c, acc, co.Denom, n))
	}
	return a.one(acc, gcTransfer(c, acc, peers[a.rng.IntN(len(peers))], co.Denom, n))
}

// creditDoubleIssue (credit_double_issuer): one block per episode, it
// issues a batch whose serials overlap a batch issued before (a random
// one; plain: starting inside it, evasion: only its last serial). The
// contract refuses it (serials overlap): the attempt is a refusal, the
// serials never reach the event stream.
func (a *agent) creditDoubleIssue(v *view, c *chain) ([]txEpisode, bool) {
	if c.greenCredit == "" || len(c.gcIssued) == 0 {
		return nil, true
	}
	old := c.gcIssued[a.rng.IntN(len(c.gcIssued))]
	mwh := 10 + a.rng.Uint64N(a.size()*5+1)
	first := old.first + (old.last-old.first)/2
	if a.spec.Evasion {
		first = old.last
	}
	a.cur.Serials = append(a.cur.Serials, old.String(c.greenCredit), serialRange{first: first, last: first + mwh - 1}.String(c.greenCredit))
	acc := a.accounts[0]
	return a.one(acc, gcIssue(c, acc, acc, first, mwh)), true
}

// creditRetiredMove (credit_retired_mover): phase 0 issues itself a batch
// of 2 × size credits, phase 1 retires all of them, phase 2 tries to move
// them on to a credit trader (plain: through the contract; evasion: a
// plain bank send of the denom). The chain refuses the move (the credits
// were burned at retirement): a refusal.
func (a *agent) creditRetiredMove(v *view, c *chain) ([]txEpisode, bool) {
	acc := a.accounts[0]
	if c.greenCredit == "" {
		return nil, true
	}
	switch a.phase {
	case 0:
		mwh := 2 * a.size()
		first := c.newSerials(mwh)
		a.gcBatch = serialRange{first: first, last: first + mwh - 1}
		a.cur.Serials = append(a.cur.Serials, a.gcBatch.String(c.greenCredit))
		return a.one(acc, gcIssue(c, acc, acc, first, mwh)), false
	case 1:
		a.gcBatch.denom = c.denomOf(a.gcBatch.first)
		if a.gcBatch.denom == "" {
			return nil, true
		}
		return a.one(acc, gcRetire(c, acc, a.gcBatch.denom, a.gcBatch.last-a.gcBatch.first+1)), false
	}
	to := c.issuer
	for _, b := range c.agents {
		if b.kind == KindCreditTrader {
			to = b.accounts[0]
			break
		}
	}
	n := a.gcBatch.last - a.gcBatch.first + 1
	if a.spec.Evasion {
		return a.one(acc, &banktypes.MsgSend{FromAddress: acc.bech, ToAddress: to.bech,
			Amount: sdk.NewCoins(sdk.NewCoin(a.gcBatch.denom, sdkmath.NewIntFromUint64(n)))}), true
	}
	return a.one(acc, gcTransfer(c, acc, to, a.gcBatch.denom, n)), true
}

// creditCircle (credit_circular): its count accounts are independent
// entities. Phase 0: the first issues itself a batch of 10 × size credits;
// then the batch goes round the members, one hop a block (evasion: every
// other block, and only half of it after the first hop), and back to the
// first: a circular transfer chain (wash trading of credits).
func (a *agent) creditCircle(v *view, c *chain) ([]txEpisode, bool) {
	if c.greenCredit == "" {
		return nil, true
	}
	n := len(a.accounts)
	if a.phase == 0 {
		mwh := 10 * a.size()
		first := c.newSerials(mwh)
		a.gcBatch = serialRange{first: first, last: first + mwh - 1}
		a.cur.Serials = append(a.cur.Serials, a.gcBatch.String(c.greenCredit))
		a.gcHop = 0
		acc := a.accounts[0]
		return a.one(acc, gcIssue(c, acc, acc, first, mwh)), false
	}
	if a.spec.Evasion && a.phase%2 == 1 {
		return nil, false
	}
	if a.gcBatch.denom == "" {
		if a.gcBatch.denom = c.denomOf(a.gcBatch.first); a.gcBatch.denom == "" {
			return nil, true
		}
	}
	from, to := a.accounts[a.gcHop%n], a.accounts[(a.gcHop+1)%n]
	amt := a.gcBatch.last - a.gcBatch.first + 1
	if a.spec.Evasion && a.gcHop > 0 {
		amt /= 2
	}
	a.gcHop++
	return a.one(from, gcTransfer(c, from, to, a.gcBatch.denom, amt)), a.gcHop >= n
}

// denomOf is the denom of the issued batch starting at first ("" if none).
func (c *chain) denomOf(first uint64) string {
	for _, r := range c.gcIssued {
		if r.first == first {
			return r.denom
		}
	}
	return ""
}
