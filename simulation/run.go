package simulation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/clearchain/clearchain/surveillance"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Options are a run's inputs besides the scenario.
type Options struct {
	// Seed of every random stream of the run (0: the scenario's seed).
	Seed uint64
	// Blocks after the setup block (0: the scenario's).
	Blocks int64
	// Progress receives a progress bar (nil: none).
	Progress io.Writer
	// Label names the run in a comparison ("A", "B").
	Label string
	// Surveillance runs the surveillance engine (surveillance.New with
	// DefaultParams, the scenario's ownership groups and its close
	// interval) over every block, and scores it against the ground truth.
	Surveillance bool
	// Detector, when set, is used instead of the default engine.
	Detector Detector
	// TuneSurveillance, when set, adjusts the default engine's params
	// (SurveillanceParams) before the run: a test switches a detector off
	// to show that its floors fail without it.
	TuneSurveillance func(*surveillance.Params)
	// FromGenesis is an exported genesis file to start from (the cast is
	// added to it); "" starts from a fresh genesis.
	FromGenesis string
	// ExportGenesis, when set, receives the state after the last block in
	// the format of `cleard export` (the app's ExportAppStateAndValidators
	// in an AppGenesis with the validators, the consensus params and
	// initial_height = last height + 1), which FromGenesis reads.
	ExportGenesis string
}

// Detector is what the simulation needs from a surveillance engine: it
// sees every block's FinalizeBlock events (tx results' events, then the
// block's) and returns the alerts raised at that block.
type Detector interface {
	ProcessBlock(height int64, blockTime time.Time, events []abci.Event) []surveillance.Alert
}

// refusedReader is a Detector that also reads the block's refused txs
// (surveillance.Engine.ProcessBlockTxs): the attempts the chain refused.
type refusedReader interface {
	ProcessBlockTxs(height int64, blockTime time.Time, events []abci.Event, refused []surveillance.RefusedTx) []surveillance.Alert
}

// Alert is a surveillance alert (surveillance.Alert).
type Alert = surveillance.Alert

// Result is everything a run produced; the report is written from it.
type Result struct {
	Label    string          `json:"label,omitempty"`
	Scenario string          `json:"scenario"`
	Seed     uint64          `json:"seed"`
	Blocks   []BlockMetrics  `json:"blocks"`
	Summary  Summary         `json:"summary"`
	Episodes []*episode      `json:"ground_truth"`
	Alerts   []Alert         `json:"alerts"`
	Scores   []DetectorScore `json:"detector_scores,omitempty"`
	AppHash  string          `json:"app_hash"`
	Rules    []RuleSpec      `json:"rules,omitempty"`
	Shocks   []ShockSpec     `json:"shocks,omitempty"`
	Market   MarketSpec      `json:"market"`
	// MarketID is the market the cast traded: the simulation's own on a
	// fresh chain, the exported one with --from-genesis.
	MarketID uint64 `json:"market_id"`
	// FillsByMarket counts the run's fills per market id.
	FillsByMarket map[uint64]int `json:"fills_by_market"`
	// GenesisFunded (--from-genesis) lists the exported market's denoms
	// credited to the cast at genesis because the authority cannot move
	// them (not restricted assets); the others were force-transferred
	// from their holders in the setup block.
	GenesisFunded []string    `json:"genesis_funded,omitempty"`
	AgentList     []AgentInfo `json:"agents"`

	scn *Scenario
}

// AgentInfo describes one agent of the run in the report.
type AgentInfo struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Entity   uint64   `json:"entity"`
	Group    string   `json:"group,omitempty"`
	Accounts []string `json:"accounts"`
	Abusive  bool     `json:"abusive"`
}

// Run runs a scenario on a fresh in-process app and returns its metrics.
// Same scenario, seed and blocks: byte-identical results.
func Run(s *Scenario, opt Options) (*Result, error) {
	seed := opt.Seed
	if seed == 0 {
		seed = s.Seed
	}
	blocks := opt.Blocks
	if blocks == 0 {
		blocks = s.Blocks
	}
	var exported *genutiltypes.AppGenesis
	ns := ""
	if opt.FromGenesis == "" && s.Market.ID != 0 {
		return nil, fmt.Errorf("simulation: bad scenario: %s: market.id: only with --from-genesis (a fresh run lists its own market), got %d", s.Name, s.Market.ID)
	}
	if opt.FromGenesis != "" {
		var err error
		if exported, err = genutiltypes.AppGenesisFromFile(opt.FromGenesis); err != nil {
			return nil, fmt.Errorf("simulation: --from-genesis %s: %w", opt.FromGenesis, err)
		}
		if exported.Consensus == nil || len(exported.Consensus.Validators) == 0 {
			return nil, fmt.Errorf("simulation: --from-genesis %s: consensus.validators is empty (give the output of `cleard export`)", opt.FromGenesis)
		}
		ns = fmt.Sprintf("from-height-%d/", exported.InitialHeight)
	}
	agents := newAgents(s, seed, ns)
	c, err := newChain(s, agents, exported, ns)
	if err != nil {
		return nil, err
	}
	defer c.close()
	c.agents = agents
	for _, a := range agents {
		if !a.abusive() {
			c.recipients = append(c.recipients, a.accounts...)
		}
	}
	res := &Result{Label: opt.Label, Scenario: s.Name, Seed: seed, scn: s, Rules: s.Rules, Shocks: s.Shocks, Market: s.Market}
	for _, a := range agents {
		info := AgentInfo{Name: a.name, Kind: a.kind, Group: a.group, Abusive: a.abusive(), Entity: a.accounts[0].entity}
		for _, acc := range a.accounts {
			info.Accounts = append(info.Accounts, acc.bech)
		}
		res.AgentList = append(res.AgentList, info)
	}

	byAddr := map[string]*agent{} // lookups only
	for _, a := range agents {
		for _, acc := range a.accounts {
			byAddr[acc.bech] = a
		}
	}
	stxs, err := c.setupTxs(agents)
	if err != nil {
		return nil, err
	}
	setup, err := c.deliver(1, nil, stxs)
	if err != nil {
		return nil, err
	}
	for i, r := range setup.TxResults {
		if r.Code != 0 {
			return nil, fmt.Errorf("simulation: setup tx %d failed (code %d): %s", i, r.Code, r.Log)
		}
	}
	if err := c.findMarket(); err != nil {
		return nil, err
	}
	// After the setup block: on an exported state it registered the
	// cast's entities and their parents.
	for i, a := range agents {
		res.AgentList[i].Entity = a.accounts[0].entity
	}
	res.MarketID, res.FillsByMarket, res.GenesisFunded = c.market, map[uint64]int{}, c.genesisFunded
	det := opt.Detector
	if det == nil && opt.Surveillance {
		det = newEngine(s, c, opt.TuneSurveillance)
	}
	c.ownerIDs(agents)
	if c.startPrice > 0 {
		// The exported market's last price starts the price path (a
		// copy: the caller's scenario is not changed).
		sc := *s
		sc.Market.StartPrice = c.startPrice
		s = &sc
		c.scn = s
	}
	path := newPricePath(s, seed)
	flow := seededRand(seed, "block-order")
	oracleRng := seededRand(seed, "oracle-noise")
	v, err := c.readView(1, path.p)
	if err != nil {
		return nil, err
	}
	m := newMetrics(s)
	orderEp := map[uint64]*episode{} // order id → episode (lookups only)
	var episodes []*episode
	bar := newProgress(opt.Progress, blocks, opt.Label+" "+s.Name)
	licences := 0
	last := blocks + 1
	for h := int64(2); h <= last; h++ {
		fund := path.step(h)
		var injected []byte
		if !s.Oracle.Disabled {
			prices := path.votes(s.Oracle.Validators, s.Oracle.NoiseBps, oracleRng)
			votes := make([]vote, len(prices))
			for i, p := range prices {
				votes[i].price = p
			}
			for _, sh := range s.Shocks {
				if h < sh.At || h >= sh.Until {
					continue
				}
				for i := 0; i < sh.Count && i < len(votes); i++ {
					switch sh.Kind {
					case "feeder_outage":
						votes[i].price = 0
					case "missing_vote_extensions":
						votes[i].absent = true
					}
				}
			}
			if injected, err = c.injected(votes); err != nil {
				return nil, err
			}
		}
		for _, a := range agents {
			a.withdrawn = false
			for _, sh := range s.Shocks {
				if sh.Kind == "liquidity_withdrawal" && a.kind == sh.Agent && h >= sh.At && h < sh.Until {
					a.withdrawn = true
				}
			}
		}
		txs := c.ruleTxs(h, byName(agents))
		var perAgent [][]txEpisode
		for _, a := range agents {
			if out := a.act(v, c); len(out) > 0 {
				perAgent = append(perAgent, out)
			}
		}
		// Arrival order: agents shuffled (seeded), each agent's txs in
		// its own order.
		flow.Shuffle(len(perAgent), func(i, j int) { perAgent[i], perAgent[j] = perAgent[j], perAgent[i] })
		nRule := len(txs)
		var eps []*episode
		for range nRule {
			eps = append(eps, nil)
		}
		for _, out := range perAgent {
			for _, t := range out {
				txs = append(txs, t.tx)
				eps = append(eps, t.ep)
				if t.ep != nil && !slices.Contains(episodes, t.ep) {
					t.ep.ID = len(episodes) + 1
					episodes = append(episodes, t.ep)
				}
			}
		}
		r, err := c.deliver(h, injected, txs)
		if err != nil {
			return nil, err
		}
		results := r.TxResults
		if injected != nil {
			results = results[1:]
		}
		for i, tr := range results {
			if tr.Code == 0 && txs[i].agent != nil && txs[i].agent.kind == KindDataBuyer {
				licences++
			}
		}
		// Ground truth: the orders each episode placed (and the txs of it
		// the chain refused).
		for i, tr := range results {
			if eps[i] != nil && tr.Code != 0 {
				eps[i].Refused++
			}
			if eps[i] == nil || tr.Code != 0 {
				continue
			}
			for _, ev := range tr.Events {
				if ev.Type == "clearchain.exchange.v1.EventOrderPlaced" {
					if id, ok := attrUint(ev, "order_id"); ok {
						eps[i].OrderIDs = append(eps[i].OrderIDs, id)
						orderEp[id] = eps[i]
					}
				}
			}
		}
		events := blockEvents(r)
		c.noteIssued(events)
		// Positions and episode fills from the fill events.
		for _, ev := range events {
			if ev.Type != "exchange_fill" {
				continue
			}
			if mid, ok := attrUint(ev, "market"); ok {
				res.FillsByMarket[mid]++
			}
			qty, _ := attrUint(ev, "qty")
			taker, maker := attrStr(ev, "taker"), attrStr(ev, "maker")
			takerBuys := attrStr(ev, "taker_side") == exchangetypes.Side_SIDE_BUY.String()
			if a := byAddr[taker]; a != nil {
				if takerBuys {
					a.pos[taker] += int64(qty)
				} else {
					a.pos[taker] -= int64(qty)
				}
			}
			if a := byAddr[maker]; a != nil {
				if takerBuys {
					a.pos[maker] -= int64(qty)
				} else {
					a.pos[maker] += int64(qty)
				}
			}
			to, _ := attrUint(ev, "taker_order")
			mo, _ := attrUint(ev, "maker_order")
			id := fmt.Sprintf("%d/%d/%d", h, to, mo) // surveillance's trade id
			for _, e := range []*episode{orderEp[to], orderEp[mo]} {
				if e != nil && !slices.Contains(e.Fills, id) {
					e.Fills = append(e.Fills, id)
				}
			}
		}
		var alerts []Alert
		if det != nil {
			if rd, ok := det.(refusedReader); ok {
				refused, err := c.refusedTxs(h, r)
				if err != nil {
					return nil, err
				}
				alerts = rd.ProcessBlockTxs(h, blockTimeOf(s, h), events, refused)
			} else {
				alerts = det.ProcessBlock(h, blockTimeOf(s, h), events)
			}
			res.Alerts = append(res.Alerts, alerts...)
		}
		prevMid := v.mid()
		if v, err = c.readView(h, fund); err != nil {
			return nil, err
		}
		v.prevMid = prevMid
		c.ownerIDs(agents)
		broken := c.app.CheckInvariants(c.queryCtx())
		m.add(h, blockTimeOf(s, h), v, r, results, events, broken, len(alerts))
		bar.step(h - 1)
	}
	bar.done()
	res.Blocks = m.blocks
	res.Episodes = episodes
	if res.Episodes == nil {
		res.Episodes = []*episode{}
	}
	if res.Alerts == nil {
		res.Alerts = []Alert{}
	}
	res.AppHash = strings.ToUpper(hex.EncodeToString(c.app.LastCommitID().Hash))
	if opt.ExportGenesis != "" {
		if err := c.export(opt.ExportGenesis); err != nil {
			return nil, err
		}
	}
	res.Summary = m.summary()
	res.Summary.MarketID = c.market
	res.Summary.LicencesBought = licences
	if det != nil {
		res.Scores = score(s, res, agents, blocks)
	}
	return res, nil
}

func byName(agents []*agent) map[string]*agent {
	m := map[string]*agent{}
	for _, a := range agents {
		m[a.spec.Name] = a
		m[a.name] = a
	}
	return m
}

// ruleTxs are the regulator's rule changes at height h, signed by the
// regulator (the compliance and exchange authority).
func (c *chain) ruleTxs(h int64, agents map[string]*agent) []tx {
	reg := c.regulator.bech
	var msgs []sdk.Msg
	for _, r := range c.scn.Rules {
		if r.At != h {
			continue
		}
		reason := r.Reason
		if reason == "" {
			reason = "simulation rule: " + r.Action
		}
		status := func(st exchangetypes.MarketStatus) {
			msgs = append(msgs, &exchangetypes.MsgUpdateMarket{Authority: reg, MarketId: c.market, Status: st, Reason: reason})
		}
		switch r.Action {
		case "halt":
			status(exchangetypes.MarketStatus_MARKET_STATUS_HALTED)
		case "resume":
			status(exchangetypes.MarketStatus_MARKET_STATUS_ACTIVE)
		case "cancel_only":
			status(exchangetypes.MarketStatus_MARKET_STATUS_CANCEL_ONLY)
		case "post_only":
			status(exchangetypes.MarketStatus_MARKET_STATUS_POST_ONLY)
		case "band":
			msgs = append(msgs, &exchangetypes.MsgUpdateMarket{Authority: reg, MarketId: c.market, UpdateBand: true,
				BandBps: r.BandBps, BandHaltBlocks: max(r.BandHaltBlocks, c.scn.Market.BandHaltBlocks), Reason: reason})
		case "breaker":
			msgs = append(msgs, &exchangetypes.MsgUpdateMarket{Authority: reg, MarketId: c.market, UpdateBreaker: true,
				BreakerBps: r.BreakerBps, BreakerWindowBlocks: r.WindowBlocks, Reason: reason})
		case "revoke_licence", "freeze":
			a := agents[r.Agent]
			if a == nil {
				continue
			}
			for _, acc := range a.accounts {
				if r.Action == "freeze" {
					msgs = append(msgs, &compliancetypes.MsgFreezeAccount{Authority: reg, Address: acc.bech, Reason: reason})
				} else {
					msgs = append(msgs, &compliancetypes.MsgRevokeLicence{Authority: reg, Address: acc.bech, Reason: reason})
				}
			}
			a.revoked = true
			for _, b := range agents { // every agent of the spec
				if b.spec.Name == r.Agent && b != a {
					for _, acc := range b.accounts {
						if r.Action == "freeze" {
							msgs = append(msgs, &compliancetypes.MsgFreezeAccount{Authority: reg, Address: acc.bech, Reason: reason})
						} else {
							msgs = append(msgs, &compliancetypes.MsgRevokeLicence{Authority: reg, Address: acc.bech, Reason: reason})
						}
					}
					b.revoked = true
				}
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return []tx{{from: c.regulator, msgs: msgs}}
}

// blockEvents is what surveillance reads: every tx result's events in
// order, then the block's events.
func blockEvents(r *abci.ResponseFinalizeBlock) []abci.Event {
	var out []abci.Event
	for _, tr := range r.TxResults {
		out = append(out, tr.Events...)
	}
	return append(out, r.Events...)
}

// attrStr returns an event attribute, unquoting proto-JSON strings.
func attrStr(ev abci.Event, key string) string {
	for _, a := range ev.Attributes {
		if a.Key == key {
			if s, err := strconv.Unquote(a.Value); err == nil && strings.HasPrefix(a.Value, `"`) {
				return s
			}
			return a.Value
		}
	}
	return ""
}

func attrUint(ev abci.Event, key string) (uint64, bool) {
	v, err := strconv.ParseUint(attrStr(ev, key), 10, 64)
	return v, err == nil
}

func attrInt(ev abci.Event, key string) (int64, bool) {
	v, err := strconv.ParseInt(attrStr(ev, key), 10, 64)
	return v, err == nil
}

// txReason names a failed tx's error: codespace and the registered
// error's description.
func txReason(r *abci.ExecTxResult) string {
	err := errorsmod.ABCIError(r.Codespace, r.Code, "x")
	desc := strings.TrimPrefix(err.Error(), "x: ")
	return r.Codespace + ": " + desc
}

// Digest is a hash of the whole result (for determinism checks).
func (r *Result) Digest() (string, error) {
	bz, err := r.JSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(bz)
	return hex.EncodeToString(sum[:]), nil
}
