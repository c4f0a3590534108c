package simulation

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrScenario is the root of every error about a scenario file: the message
// names the file and the field (e.g. `agents[2].spread_bps`).
var ErrScenario = errors.New("simulation: bad scenario")

// Scenario is one scenario file (YAML). The schema is documented field by
// field in simulation/README.md; Validate checks it and names the bad field.
type Scenario struct {
	// Name is a short identifier used in report titles.
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Seed is the default seed (the --seed flag overrides it).
	Seed uint64 `yaml:"seed"`
	// Blocks is the default number of blocks after the setup block (the
	// --blocks flag overrides it).
	Blocks int64 `yaml:"blocks"`
	// BlockTime is the simulated time between blocks.
	BlockTime time.Duration `yaml:"block_time"`
	// StartTime is the genesis time (RFC 3339).
	StartTime time.Time `yaml:"start_time"`
	// DayBlocks is the number of blocks of one trading day (for the
	// surveillance "entity-days"); 0 means the whole run is one day.
	DayBlocks int64 `yaml:"day_blocks"`

	Market  MarketSpec  `yaml:"market"`
	Price   PriceSpec   `yaml:"price"`
	Oracle  OracleSpec  `yaml:"oracle"`
	Agents  []AgentSpec `yaml:"agents"`
	Rules   []RuleSpec  `yaml:"rules"`
	Shocks  []ShockSpec `yaml:"shocks"`
	Metrics MetricSpec  `yaml:"metrics"`
}

// MarketSpec is the simulated market: listed in the setup block by the
// regulator through MsgCreateMarket.
type MarketSpec struct {
	// ID chooses, with --from-genesis, the exported market the cast
	// trades (0: the active continuous market with the lowest id). On a
	// fresh chain it must be 0: the simulation lists its own market.
	ID uint64 `yaml:"id"`
	// StartPrice in ticks (one tick = 1 quote unit, one lot = 1 base unit).
	StartPrice          int64  `yaml:"start_price"`
	MakerFeeBps         int32  `yaml:"maker_fee_bps"`
	TakerFeeBps         uint32 `yaml:"taker_fee_bps"`
	BandBps             uint32 `yaml:"band_bps"`
	BandHaltBlocks      uint64 `yaml:"band_halt_blocks"`
	BreakerBps          uint32 `yaml:"breaker_bps"`
	BreakerWindowBlocks uint64 `yaml:"breaker_window_blocks"`
	MinNotional         int64  `yaml:"min_notional"`
	// MaxOrdersPerBlock is the exchange param (0: the module default).
	MaxOrdersPerBlock uint64 `yaml:"max_orders_per_block"`
}

// PriceSpec is the exogenous ("fundamental") price path that drives the
// oracle: a random walk in basis points with optional random jumps and
// scheduled events.
type PriceSpec struct {
	// VolatilityBps is the size of one block's random step (uniform in
	// [-v, +v] bps).
	VolatilityBps int64 `yaml:"volatility_bps"`
	// DriftBps is added every block.
	DriftBps int64 `yaml:"drift_bps"`
	// JumpPerMille is the chance per block (‰) of a jump of ±JumpBps.
	JumpPerMille int64        `yaml:"jump_per_mille"`
	JumpBps      int64        `yaml:"jump_bps"`
	Events       []PriceEvent `yaml:"events"`
	// Floor is the lowest exogenous price in ticks (default 1).
	Floor int64 `yaml:"floor"`
}

// PriceEvent is a scheduled move of the exogenous price: kind "jump"
// (MoveBps at once), "crash" (MoveBps spread linearly over OverBlocks),
// "recover" (back to the pre-event level over OverBlocks).
type PriceEvent struct {
	At         int64  `yaml:"at"`
	Kind       string `yaml:"kind"`
	MoveBps    int64  `yaml:"move_bps"`
	OverBlocks int64  `yaml:"over_blocks"`
}

// OracleSpec is how the price reaches the chain: validators' vote
// extensions (the only path x/exchange reads for its band and stops),
// injected in each block as a real proposer does.
type OracleSpec struct {
	// Validators is the number of bonded validators (equal power) that
	// vote; each votes the exogenous price plus its own noise.
	Validators int `yaml:"validators"`
	// NoiseBps bounds each validator's deviation from the exogenous price.
	NoiseBps int64 `yaml:"noise_bps"`
	// MaxStalenessBlocks of the feed (after that the exchange bands on the
	// last trade).
	MaxStalenessBlocks int64 `yaml:"max_staleness_blocks"`
	// MaxDeviationBpsPerBlock is the feed's breaker (0 = off).
	MaxDeviationBpsPerBlock uint64 `yaml:"max_deviation_bps_per_block"`
	// Disabled: no feed at all (the exchange references last trades).
	Disabled bool `yaml:"disabled"`
}

// AgentSpec is one group of agents of a kind. Unknown parameters for a kind
// are refused.
type AgentSpec struct {
	Kind  string `yaml:"kind"`
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	// Group: agents of one spec with Group set share a parent entity
	// (beneficial ownership); each agent is its own legal entity.
	Group bool `yaml:"group"`
	// Common parameters (each kind documents which it reads).
	Size          uint64 `yaml:"size"`
	SpreadBps     int64  `yaml:"spread_bps"`
	Levels        int    `yaml:"levels"`
	SkewBps       int64  `yaml:"skew_bps"`
	MaxInventory  int64  `yaml:"max_inventory"`
	ThresholdBps  int64  `yaml:"threshold_bps"`
	ActivityPct   int    `yaml:"activity_pct"`
	Every         int64  `yaml:"every"`
	Amount        uint64 `yaml:"amount"`
	Burst         int    `yaml:"burst"`
	Episodes      int    `yaml:"episodes"`
	LayerMultiple int    `yaml:"layer_multiple"`
	WindowBlocks  int64  `yaml:"window_blocks"`
	// Evasion makes an abusive agent try to hide (smaller, slower, spread
	// over more accounts); its episodes stay in the ground truth.
	Evasion bool `yaml:"evasion"`
}

// RuleSpec is a rule change applied by the regulator at a height, through
// the same messages a regulator would sign: "halt", "resume", "cancel_only",
// "band" (BandBps, BandHaltBlocks), "breaker" (BreakerBps, WindowBlocks),
// "revoke_licence" (Agent: the agent's name), "freeze" (Agent), "fee".
type RuleSpec struct {
	At             int64  `yaml:"at"`
	Action         string `yaml:"action"`
	BandBps        uint32 `yaml:"band_bps"`
	BandHaltBlocks uint64 `yaml:"band_halt_blocks"`
	BreakerBps     uint32 `yaml:"breaker_bps"`
	WindowBlocks   uint64 `yaml:"window_blocks"`
	Agent          string `yaml:"agent"`
	Reason         string `yaml:"reason"`
}

// ShockSpec is an exogenous shock in [At, Until): "feeder_outage" (Count
// validators' feeders down: their vote extensions are empty),
// "missing_vote_extensions" (Count validators absent from the commit),
// "liquidity_withdrawal" (agents of Kind, default market_maker, pull
// their quotes and stop quoting).
type ShockSpec struct {
	At    int64  `yaml:"at"`
	Until int64  `yaml:"until"`
	Kind  string `yaml:"kind"`
	Count int    `yaml:"count"`
	Agent string `yaml:"agent_kind"`
}

// MetricSpec tunes the metrics.
type MetricSpec struct {
	// DepthBps: depth counts resting quantity within this distance of the
	// mid (default 200).
	DepthBps int64 `yaml:"depth_bps"`
	// VolWindow: realised volatility over this many blocks (default 20).
	VolWindow int `yaml:"vol_window"`
}

// Agent kinds.
const (
	KindMarketMaker   = "market_maker"
	KindArbitrageur   = "arbitrageur"
	KindInstitution   = "institution"
	KindNoise         = "noise"
	KindIssuer        = "issuer"
	KindHedger        = "hedger"
	KindGroupTransfer = "group_transfer"
	KindDataBuyer     = "data_buyer"
	KindWash          = "wash_trader"
	KindSpoofer       = "spoofer"
	KindStuffer       = "quote_stuffer"
	KindMarkClose     = "marking_close"
	KindMomentum      = "momentum_ignition"
	KindRing          = "collusive_ring"
	KindTriangle      = "triangle_trader"
	// Green credits (the bundled green-credit contract).
	KindCreditIssuer       = "credit_issuer"
	KindCreditTrader       = "credit_trader"
	KindCreditDoubleIssuer = "credit_double_issuer"
	KindCreditRetiredMover = "credit_retired_mover"
	KindCreditCircular     = "credit_circular"
)

// abusiveKinds maps each abusive agent kind to the surveillance detector
// expected to flag it.
var abusiveKinds = map[string]string{
	KindWash:      "wash_trade",
	KindSpoofer:   "spoofing",
	KindStuffer:   "quote_stuffing",
	KindMarkClose: "marking_close",
	KindMomentum:  "momentum_ignition",
	KindRing:      "collusive_ring",
	// Refused by the contract: the attempts are refusals, and the
	// detectors' episodes (they alert if such events ever appear).
	KindCreditDoubleIssuer: "credit_double_issuance",
	KindCreditRetiredMover: "credit_transfer_after_retirement",
	KindCreditCircular:     "credit_circular_transfer",
	// The second claim is refused (credits_claim.go).
	KindCreditDoubleClaimer: "credit_double_claim",
}

var agentKinds = []string{KindMarketMaker, KindArbitrageur, KindInstitution, KindNoise, KindIssuer, KindHedger, KindDataBuyer,
	KindGroupTransfer, KindTriangle, KindWash, KindSpoofer, KindStuffer, KindMarkClose, KindMomentum, KindRing,
	KindCreditIssuer, KindCreditTrader, KindCreditDoubleIssuer, KindCreditRetiredMover, KindCreditCircular,
	KindCreditDoubleClaimer}

// LoadScenario reads and validates a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScenario, err)
	}
	return ParseScenario(path, bz)
}

// ParseScenario decodes a scenario (unknown fields are errors), applies
// the defaults and validates it. name is used in error messages.
func ParseScenario(name string, bz []byte) (*Scenario, error) {
	dec := yaml.NewDecoder(bytes.NewReader(bz))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrScenario, name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	s.applyDefaults()
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrScenario, name, err)
	}
	return &s, nil
}

func (s *Scenario) applyDefaults() {
	if s.Blocks == 0 {
		s.Blocks = 200
	}
	if s.BlockTime == 0 {
		s.BlockTime = 2 * time.Second
	}
	if s.StartTime.IsZero() {
		s.StartTime = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	}
	m := &s.Market
	if m.StartPrice == 0 {
		m.StartPrice = 10_000
	}
	if m.MinNotional == 0 {
		m.MinNotional = 1
	}
	if m.BandHaltBlocks == 0 {
		m.BandHaltBlocks = 2
	}
	o := &s.Oracle
	if o.Validators == 0 {
		o.Validators = 4
	}
	if o.MaxStalenessBlocks == 0 {
		o.MaxStalenessBlocks = 10
	}
	if s.Metrics.DepthBps == 0 {
		s.Metrics.DepthBps = 200
	}
	if s.Metrics.VolWindow == 0 {
		s.Metrics.VolWindow = 20
	}
	for i := range s.Agents {
		a := &s.Agents[i]
		if a.Count == 0 {
			a.Count = 1
		}
		if a.Name == "" {
			a.Name = fmt.Sprintf("%s-%d", a.Kind, i)
		}
	}
	for i := range s.Shocks {
		if s.Shocks[i].Kind == "liquidity_withdrawal" && s.Shocks[i].Agent == "" {
			s.Shocks[i].Agent = KindMarketMaker
		}
	}
}

func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

// Validate checks every field and returns an error naming the first bad
// one.
func (s *Scenario) Validate() error {
	if s.Blocks < 1 || s.Blocks > 1_000_000 {
		return fieldErr("blocks", "must be in [1, 1000000], got %d", s.Blocks)
	}
	if s.BlockTime < time.Second || s.BlockTime > time.Hour {
		return fieldErr("block_time", "must be in [1s, 1h], got %s", s.BlockTime)
	}
	if s.DayBlocks < 0 {
		return fieldErr("day_blocks", "must be >= 0, got %d", s.DayBlocks)
	}
	m := s.Market
	if m.StartPrice < 100 || m.StartPrice > 1<<40 {
		return fieldErr("market.start_price", "must be in [100, 2^40] ticks, got %d", m.StartPrice)
	}
	if m.TakerFeeBps > 1000 {
		return fieldErr("market.taker_fee_bps", "must be <= 1000, got %d", m.TakerFeeBps)
	}
	if m.MakerFeeBps > int32(m.TakerFeeBps) || -m.MakerFeeBps > int32(m.TakerFeeBps) {
		return fieldErr("market.maker_fee_bps", "must be within [-taker_fee_bps, taker_fee_bps] = [-%d, %d], got %d", m.TakerFeeBps, m.TakerFeeBps, m.MakerFeeBps)
	}
	if m.BandBps > 10_000 {
		return fieldErr("market.band_bps", "must be <= 10000, got %d", m.BandBps)
	}
	if m.BreakerBps > 0 && m.BreakerWindowBlocks == 0 {
		return fieldErr("market.breaker_window_blocks", "must be > 0 when breaker_bps is set")
	}
	if m.MinNotional < 1 {
		return fieldErr("market.min_notional", "must be >= 1, got %d", m.MinNotional)
	}
	p := s.Price
	if p.VolatilityBps < 0 || p.VolatilityBps > 1000 {
		return fieldErr("price.volatility_bps", "must be in [0, 1000], got %d", p.VolatilityBps)
	}
	if p.DriftBps < -100 || p.DriftBps > 100 {
		return fieldErr("price.drift_bps", "must be in [-100, 100], got %d", p.DriftBps)
	}
	if p.JumpPerMille < 0 || p.JumpPerMille > 1000 {
		return fieldErr("price.jump_per_mille", "must be in [0, 1000], got %d", p.JumpPerMille)
	}
	if p.JumpBps < 0 || p.JumpBps > 5000 {
		return fieldErr("price.jump_bps", "must be in [0, 5000], got %d", p.JumpBps)
	}
	if p.Floor < 0 {
		return fieldErr("price.floor", "must be >= 0, got %d", p.Floor)
	}
	for i, e := range p.Events {
		f := fmt.Sprintf("price.events[%d]", i)
		if e.At < 2 {
			return fieldErr(f+".at", "must be >= 2 (block 1 is the setup block), got %d", e.At)
		}
		switch e.Kind {
		case "jump", "crash":
			if e.MoveBps <= -10_000 || e.MoveBps > 100_000 || e.MoveBps == 0 {
				return fieldErr(f+".move_bps", "must be non-zero and in (-10000, 100000], got %d", e.MoveBps)
			}
		case "recover":
		default:
			return fieldErr(f+".kind", "unknown kind %q (jump, crash, recover)", e.Kind)
		}
		if e.OverBlocks < 0 || (e.Kind != "jump" && e.OverBlocks == 0) {
			return fieldErr(f+".over_blocks", "must be > 0 for %s, got %d", e.Kind, e.OverBlocks)
		}
	}
	o := s.Oracle
	if o.Validators < 1 || o.Validators > 32 {
		return fieldErr("oracle.validators", "must be in [1, 32], got %d", o.Validators)
	}
	if o.NoiseBps < 0 || o.NoiseBps > 1000 {
		return fieldErr("oracle.noise_bps", "must be in [0, 1000], got %d", o.NoiseBps)
	}
	if o.MaxStalenessBlocks < 1 {
		return fieldErr("oracle.max_staleness_blocks", "must be >= 1, got %d", o.MaxStalenessBlocks)
	}
	if len(s.Agents) == 0 {
		return fieldErr("agents", "at least one agent is needed")
	}
	names := map[string]bool{}  // spec names
	agents := map[string]bool{} // spec names and agent names (name-1, name-2, ...)
	total := 0
	for i, a := range s.Agents {
		f := fmt.Sprintf("agents[%d]", i)
		if !contains(agentKinds, a.Kind) {
			return fieldErr(f+".kind", "unknown kind %q (one of %s)", a.Kind, strings.Join(agentKinds, ", "))
		}
		if names[a.Name] {
			return fieldErr(f+".name", "%q is used twice", a.Name)
		}
		names[a.Name] = true
		agents[a.Name] = true
		for j := 1; j <= a.Count && !multiAccount(a.Kind); j++ {
			agents[fmt.Sprintf("%s-%d", a.Name, j)] = true
		}
		if a.Count < 1 || a.Count > 64 {
			return fieldErr(f+".count", "must be in [1, 64], got %d", a.Count)
		}
		total += a.Count
		if err := validateAgent(f, a); err != nil {
			return err
		}
	}
	if total > 256 {
		return fieldErr("agents", "at most 256 agents in all, got %d", total)
	}
	for i, r := range s.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		if r.At < 2 {
			return fieldErr(f+".at", "must be >= 2 (block 1 is the setup block), got %d", r.At)
		}
		switch r.Action {
		case "halt", "resume", "cancel_only", "post_only":
		case "band":
			if r.BandBps > 10_000 {
				return fieldErr(f+".band_bps", "must be <= 10000, got %d", r.BandBps)
			}
		case "breaker":
			if r.BreakerBps > 0 && r.WindowBlocks == 0 {
				return fieldErr(f+".window_blocks", "must be > 0 when breaker_bps is set")
			}
		case "revoke_licence", "freeze":
			if !agents[r.Agent] {
				return fieldErr(f+".agent", "no agent named %q (an agents[].name, or name-N for the N-th of its count)", r.Agent)
			}
		case "fee":
			return fieldErr(f+".action", "fee changes at a height are not possible: x/exchange fees are immutable after listing (locks are computed from them); compare fee schedules with --compare and market.taker_fee_bps / market.maker_fee_bps instead")
		default:
			return fieldErr(f+".action", "unknown action %q (halt, resume, cancel_only, post_only, band, breaker, revoke_licence, freeze)", r.Action)
		}
	}
	for i, sh := range s.Shocks {
		f := fmt.Sprintf("shocks[%d]", i)
		if sh.At < 2 {
			return fieldErr(f+".at", "must be >= 2, got %d", sh.At)
		}
		if sh.Until <= sh.At {
			return fieldErr(f+".until", "must be > at (%d), got %d", sh.At, sh.Until)
		}
		switch sh.Kind {
		case "feeder_outage", "missing_vote_extensions":
			if sh.Count < 1 || sh.Count > o.Validators {
				return fieldErr(f+".count", "must be in [1, oracle.validators = %d], got %d", o.Validators, sh.Count)
			}
		case "liquidity_withdrawal":
			if !contains(agentKinds, sh.Agent) {
				return fieldErr(f+".agent_kind", "unknown agent kind %q", sh.Agent)
			}
		default:
			return fieldErr(f+".kind", "unknown kind %q (feeder_outage, missing_vote_extensions, liquidity_withdrawal)", sh.Kind)
		}
	}
	if s.Metrics.DepthBps < 1 || s.Metrics.DepthBps > 10_000 {
		return fieldErr("metrics.depth_bps", "must be in [1, 10000], got %d", s.Metrics.DepthBps)
	}
	if s.Metrics.VolWindow < 2 || s.Metrics.VolWindow > 10_000 {
		return fieldErr("metrics.vol_window", "must be in [2, 10000], got %d", s.Metrics.VolWindow)
	}
	return nil
}

func validateAgent(f string, a AgentSpec) error {
	if a.ActivityPct < 0 || a.ActivityPct > 100 {
		return fieldErr(f+".activity_pct", "must be in [0, 100], got %d", a.ActivityPct)
	}
	if a.Size > 1<<30 {
		return fieldErr(f+".size", "must be <= 2^30 lots, got %d", a.Size)
	}
	if a.SpreadBps < 0 || a.SpreadBps > 5000 {
		return fieldErr(f+".spread_bps", "must be in [0, 5000], got %d", a.SpreadBps)
	}
	if a.Levels < 0 || a.Levels > 20 {
		return fieldErr(f+".levels", "must be in [0, 20], got %d", a.Levels)
	}
	if a.Burst < 0 || a.Burst > 500 {
		return fieldErr(f+".burst", "must be in [0, 500], got %d", a.Burst)
	}
	if a.Every < 0 {
		return fieldErr(f+".every", "must be >= 0, got %d", a.Every)
	}
	if a.Episodes < 0 || a.Episodes > 100 {
		return fieldErr(f+".episodes", "must be in [0, 100], got %d", a.Episodes)
	}
	if a.LayerMultiple < 0 || a.LayerMultiple > 100 {
		return fieldErr(f+".layer_multiple", "must be in [0, 100], got %d", a.LayerMultiple)
	}
	if a.WindowBlocks < 0 {
		return fieldErr(f+".window_blocks", "must be >= 0, got %d", a.WindowBlocks)
	}
	if a.MaxInventory < 0 {
		return fieldErr(f+".max_inventory", "must be >= 0, got %d", a.MaxInventory)
	}
	if a.ThresholdBps < 0 || a.ThresholdBps > 5000 {
		return fieldErr(f+".threshold_bps", "must be in [0, 5000], got %d", a.ThresholdBps)
	}
	if a.Kind == KindMarketMaker && a.SpreadBps == 0 {
		return fieldErr(f+".spread_bps", "a market maker needs spread_bps > 0")
	}
	if _, abusive := abusiveKinds[a.Kind]; !abusive && a.Evasion {
		return fieldErr(f+".evasion", "only abusive agents (%s) have an evasion variant", strings.Join(sortedKeys(abusiveKinds), ", "))
	}
	if a.Kind == KindWash && a.Count < 2 {
		return fieldErr(f+".count", "a wash trader needs count >= 2 (two accounts of one group trade with each other)")
	}
	if (a.Kind == KindRing || a.Kind == KindTriangle || a.Kind == KindCreditCircular) && (a.Count < 3 || a.Count > 8) {
		return fieldErr(f+".count", "a %s needs count in [3, 8] (its members, each an entity of its own ownership group), got %d", a.Kind, a.Count)
	}
	if (a.Kind == KindRing || a.Kind == KindTriangle || a.Kind == KindCreditCircular) && a.Group {
		return fieldErr(f+".group", "a %s's members are independent entities (distinct ownership groups); trades within one group are wash_trader's case", a.Kind)
	}
	return nil
}

// multiAccount kinds are one agent whose count is its number of accounts
// (wash traders: sister entities; rings and triangles: independent
// entities), not count agents.
func multiAccount(kind string) bool {
	return kind == KindWash || kind == KindRing || kind == KindTriangle || kind == KindCreditCircular ||
		kind == KindCreditDoubleClaimer
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
