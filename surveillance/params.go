package surveillance

// Params are the detectors' thresholds. Every number is an integer (blocks,
// lots, basis points or per mille), so runs are reproducible bit for bit.
// README.md gives the reasoning behind each default.
type Params struct {
	// Parents maps an entity to its parent entity (0: none), for entities
	// registered before the engine started following (e.g. at genesis);
	// compliance EventEntityRegistered/Updated events add to and override it.
	Parents map[uint64]uint64 `json:"parents,omitempty" yaml:"parents,omitempty"`
	// AccountEntities maps an account to its entity, for green-credit
	// events (the exchange's events carry the entity themselves).
	AccountEntities map[string]uint64 `json:"account_entities,omitempty" yaml:"account_entities,omitempty"`

	Wash     WashParams     `json:"wash" yaml:"wash"`
	Ring     RingParams     `json:"ring" yaml:"ring"`
	Spoof    SpoofParams    `json:"spoof" yaml:"spoof"`
	Stuffing StuffingParams `json:"stuffing" yaml:"stuffing"`
	Close    CloseParams    `json:"close" yaml:"close"`
	Momentum MomentumParams `json:"momentum" yaml:"momentum"`
	Credits  CreditParams   `json:"credits" yaml:"credits"`
}

// WashParams: trades between two entities of one ownership group (or one
// entity with itself).
type WashParams struct {
	// WindowBlocks is how far back group-internal fills are counted.
	WindowBlocks int `json:"window_blocks" yaml:"window_blocks"`
	// MinFills is the number of group-internal fills in the window that
	// raises an alert; MinQty their summed quantity (lots).
	MinFills int    `json:"min_fills" yaml:"min_fills"`
	MinQty   uint64 `json:"min_qty" yaml:"min_qty"`
	// CooldownBlocks: no second alert for the same group and market sooner.
	CooldownBlocks int64 `json:"cooldown_blocks" yaml:"cooldown_blocks"`
}

// RingParams: cycles of 3..MaxLen ownership groups trading among themselves
// and ending near flat.
type RingParams struct {
	WindowBlocks int `json:"window_blocks" yaml:"window_blocks"`
	// EvalEveryBlocks: the trade graph is searched this often.
	EvalEveryBlocks int `json:"eval_every_blocks" yaml:"eval_every_blocks"`
	MaxLen          int `json:"max_len" yaml:"max_len"`
	// MinEdgeQty: the smallest flow (lots) along each edge of the cycle.
	MinEdgeQty uint64 `json:"min_edge_qty" yaml:"min_edge_qty"`
	// MaxNetBps: each member's |bought - sold| over the window is at most
	// this share of its gross volume (near flat).
	MaxNetBps int64 `json:"max_net_bps" yaml:"max_net_bps"`
	// MinShareBps: the ring's own trades are at least this share of each
	// member's volume in the window (market makers trade with everyone).
	MinShareBps int64 `json:"min_share_bps" yaml:"min_share_bps"`
	// MaxNodes bounds the graph searched (the busiest groups first).
	MaxNodes       int   `json:"max_nodes" yaml:"max_nodes"`
	CooldownBlocks int64 `json:"cooldown_blocks" yaml:"cooldown_blocks"`
}

// SpoofParams: own orders on one side cancelled around an own fill on the
// other side.
type SpoofParams struct {
	// AroundBlocks: cancels within this many blocks before or after the
	// fill count; orders must have lived at most MaxLifetimeBlocks.
	AroundBlocks      int64 `json:"around_blocks" yaml:"around_blocks"`
	MaxLifetimeBlocks int64 `json:"max_lifetime_blocks" yaml:"max_lifetime_blocks"`
	// MinRatio: cancelled opposite-side quantity at least this many times
	// the filled quantity.
	MinRatio uint64 `json:"min_ratio" yaml:"min_ratio"`
	// MinCancelledQty: and at least this many lots (a few lots pulled
	// around a fill is a small trader changing its mind, not shown size).
	MinCancelledQty uint64 `json:"min_cancelled_qty" yaml:"min_cancelled_qty"`
	// MinSymmetry: opposite-side cancels at least this many times the
	// same-side cancels in the same span (market makers requote both sides).
	MinSymmetry uint64 `json:"min_symmetry" yaml:"min_symmetry"`
	// MaxOppositeFillPct: the group's own fills on the cancelled side in the
	// span are at most this percent of the filled quantity (a two-sided
	// market maker trades on both sides; a spoofer's shown side does not).
	MaxOppositeFillPct uint64 `json:"max_opposite_fill_pct" yaml:"max_opposite_fill_pct"`
	// MinEpisodes within HistoryBlocks raise the alert (repetition).
	MinEpisodes   int   `json:"min_episodes" yaml:"min_episodes"`
	HistoryBlocks int64 `json:"history_blocks" yaml:"history_blocks"`
	// LayeringMinLevels: episodes whose cancelled orders sat at this many
	// distinct prices or more are reported as layering.
	LayeringMinLevels int   `json:"layering_min_levels" yaml:"layering_min_levels"`
	CooldownBlocks    int64 `json:"cooldown_blocks" yaml:"cooldown_blocks"`
	// Attempts (with or without a fill): a two-sided placement in one
	// block whose larger side is at least AttemptMinRatio times the
	// smaller and MinCancelledQty lots, withdrawn by its owner within
	// MaxLifetimeBlocks with at most AttemptMaxLayerFillPct percent
	// traded; MinAttempts within HistoryBlocks raise the alert (0: off).
	AttemptMinRatio        uint64 `json:"attempt_min_ratio" yaml:"attempt_min_ratio"`
	AttemptMaxLayerFillPct uint64 `json:"attempt_max_layer_fill_pct" yaml:"attempt_max_layer_fill_pct"`
	MinAttempts            int    `json:"min_attempts" yaml:"min_attempts"`
	// AttemptPlaceBlocks: the placements of this many consecutive blocks
	// are one attempt's (the whole genuine side first, then the layer in
	// one or more blocks, the last of them the window's last); each order
	// counts in one attempt at most (0 or 1: one block). The window is
	// capped at MaxAttemptPlaceBlocks: the detector keeps the orders of
	// the last max(MaxLifetimeBlocks + 2 × AroundBlocks, MaxLifetimeBlocks
	// + AttemptPlaceBlocks) + 1 blocks, no more.
	AttemptPlaceBlocks int64 `json:"attempt_place_blocks" yaml:"attempt_place_blocks"`
	// AttemptPartialMinRatio: a layer that traded as much as the genuine
	// side's size (the price reached a spoof resting behind the touch)
	// still counts when the part its owner withdrew is at least this many
	// times the genuine side's size (and at most AttemptMaxLayerFillPct of
	// it traded); 0: such a layer never counts.
	AttemptPartialMinRatio uint64 `json:"attempt_partial_min_ratio" yaml:"attempt_partial_min_ratio"`
}

// MaxAttemptPlaceBlocks caps SpoofParams.AttemptPlaceBlocks (the memory the
// spoofing detector keeps grows with it).
const MaxAttemptPlaceBlocks = 16

// placeBlocks is AttemptPlaceBlocks within [1, MaxAttemptPlaceBlocks].
func (p SpoofParams) placeBlocks() int64 {
	return min(max(p.AttemptPlaceBlocks, 1), MaxAttemptPlaceBlocks)
}

// keepBlocks is how many blocks of orders the spoofing detector keeps:
// the fill rule's look-around and the attempt rule's placement window,
// each plus the orders' lifetime.
func (p SpoofParams) keepBlocks() int64 {
	return max(p.MaxLifetimeBlocks+2*p.AroundBlocks, p.MaxLifetimeBlocks+p.placeBlocks()) + 1
}

// StuffingParams: bursts of order messages per block with few fills.
type StuffingParams struct {
	// MinMessages per entity per market per block (places + cancels) for a
	// block to be a burst, and at least BurstMultiple times the entity's
	// own running baseline (an integer moving average over BaselineBlocks).
	MinMessages    uint64 `json:"min_messages" yaml:"min_messages"`
	BurstMultiple  uint64 `json:"burst_multiple" yaml:"burst_multiple"`
	BaselineBlocks uint64 `json:"baseline_blocks" yaml:"baseline_blocks"`
	// MaxFillPermille: fills per 1,000 messages in a burst block at most.
	MaxFillPermille uint64 `json:"max_fill_permille" yaml:"max_fill_permille"`
	// MinBursts within WindowBlocks raise the alert.
	MinBursts      int   `json:"min_bursts" yaml:"min_bursts"`
	WindowBlocks   int64 `json:"window_blocks" yaml:"window_blocks"`
	CooldownBlocks int64 `json:"cooldown_blocks" yaml:"cooldown_blocks"`
}

// CloseParams: marking the close. A reference price ("close") is fixed at
// every height divisible by IntervalBlocks, from the trades of the last
// WindowBlocks before it.
type CloseParams struct {
	IntervalBlocks int64 `json:"interval_blocks" yaml:"interval_blocks"`
	// MarketIntervals overrides IntervalBlocks per market, e.g. a
	// batch-auction market's auction_interval_blocks (its auctions are its
	// reference prices); 0 turns the detector off for that market.
	MarketIntervals map[uint64]int64 `json:"market_intervals,omitempty" yaml:"market_intervals,omitempty"`
	WindowBlocks    int64            `json:"window_blocks" yaml:"window_blocks"`
	// BaselineBlocks before the window give the group's usual share.
	BaselineBlocks int64 `json:"baseline_blocks" yaml:"baseline_blocks"`
	// MinShareBps: the group's share of window volume at least this, and at
	// least ShareMultiple times its baseline share (a group absent from the
	// baseline counts MinBaselineBps).
	MinShareBps    int64 `json:"min_share_bps" yaml:"min_share_bps"`
	ShareMultiple  int64 `json:"share_multiple" yaml:"share_multiple"`
	MinBaselineBps int64 `json:"min_baseline_bps" yaml:"min_baseline_bps"`
	// MinImpactBps: the close moved at least this from the last price
	// before the window, in the direction the group traded.
	MinImpactBps int64 `json:"min_impact_bps" yaml:"min_impact_bps"`
	// ReversalBlocks after the close, the price gave back at least
	// MinReversalPct percent of the impact.
	ReversalBlocks int64 `json:"reversal_blocks" yaml:"reversal_blocks"`
	MinReversalPct int64 `json:"min_reversal_pct" yaml:"min_reversal_pct"`
	// MinUnwindPct: in the same ReversalBlocks the group traded at least
	// this percent of its window's net quantity back (0: not required).
	MinUnwindPct int64 `json:"min_unwind_pct" yaml:"min_unwind_pct"`
	// The round trip: a group that traded at least RoundTripMinQty lots
	// net one way in the window and MinUnwindPct of it back after the
	// close needs only RoundTripMinShareBps of the window's volume and
	// RoundTripShareMultiple times its usual share (impact and reversal
	// as above; 0 RoundTripMinQty: off).
	RoundTripMinQty        int64 `json:"round_trip_min_qty" yaml:"round_trip_min_qty"`
	RoundTripMinShareBps   int64 `json:"round_trip_min_share_bps" yaml:"round_trip_min_share_bps"`
	RoundTripShareMultiple int64 `json:"round_trip_share_multiple" yaml:"round_trip_share_multiple"`
}

// MomentumParams: aggressive one-way trading that moves the price, then an
// exit the other way at a profit while the move fades.
type MomentumParams struct {
	// IgniteBlocks: the span of the aggressive burst.
	IgniteBlocks int64 `json:"ignite_blocks" yaml:"ignite_blocks"`
	// MinTakerShareBps of the market's taker volume in the burst, in one
	// direction, and at least MinQty lots.
	MinTakerShareBps int64  `json:"min_taker_share_bps" yaml:"min_taker_share_bps"`
	MinQty           uint64 `json:"min_qty" yaml:"min_qty"`
	// MinImpactBps: the price moved at least this during the burst.
	MinImpactBps int64 `json:"min_impact_bps" yaml:"min_impact_bps"`
	// ExitBlocks after the burst the group traded at least MinExitPct
	// percent of the burst quantity the other way, at a better average
	// price than its burst average.
	ExitBlocks int64 `json:"exit_blocks" yaml:"exit_blocks"`
	MinExitPct int64 `json:"min_exit_pct" yaml:"min_exit_pct"`
	// MaxExitCostBps: the exit's average price may be worse than the
	// burst's average by at most this (bps of the burst average). 0
	// demands a better price (the exit profited from the move).
	MaxExitCostBps int64 `json:"max_exit_cost_bps" yaml:"max_exit_cost_bps"`
	CooldownBlocks int64 `json:"cooldown_blocks" yaml:"cooldown_blocks"`
	// The round trip: a group that traded at least RoundTripMinExitPct
	// percent of its burst back within ExitBlocks needs only
	// RoundTripMinTakerShareBps of the burst's taker volume (MinQty,
	// impact and exit cost as above; 0 RoundTripMinExitPct: off).
	RoundTripMinExitPct       int64 `json:"round_trip_min_exit_pct" yaml:"round_trip_min_exit_pct"`
	RoundTripMinTakerShareBps int64 `json:"round_trip_min_taker_share_bps" yaml:"round_trip_min_taker_share_bps"`
}

// CreditParams: green-credit integrity.
type CreditParams struct {
	// CircularWindowBlocks: a serial range that comes back to an account it
	// left within this many blocks through MinCircleHops transfers, not
	// all within one ownership group, is a circular chain.
	CircularWindowBlocks int64 `json:"circular_window_blocks" yaml:"circular_window_blocks"`
	MinCircleHops        int   `json:"min_circle_hops" yaml:"min_circle_hops"`
	// MaxTrackedRanges bounds the serial ranges kept per contract.
	MaxTrackedRanges int `json:"max_tracked_ranges" yaml:"max_tracked_ranges"`
	// MaxRefusedPerBlock bounds the refused txs read per block
	// (ProcessBlockTxs); 0 switches the reading of refused attempts off.
	MaxRefusedPerBlock int `json:"max_refused_per_block" yaml:"max_refused_per_block"`
}

// DefaultParams returns the documented defaults (README.md).
func DefaultParams() Params {
	return Params{
		Wash: WashParams{WindowBlocks: 100, MinFills: 2, MinQty: 1, CooldownBlocks: 20},
		Ring: RingParams{WindowBlocks: 200, EvalEveryBlocks: 10, MaxLen: 4, MinEdgeQty: 10, MaxNetBps: 1000,
			MinShareBps: 5500, MaxNodes: 64, CooldownBlocks: 200},
		Spoof: SpoofParams{AroundBlocks: 3, MaxLifetimeBlocks: 5, MinRatio: 3, MinCancelledQty: 20, MinSymmetry: 3, MaxOppositeFillPct: 50, MinEpisodes: 2,
			HistoryBlocks: 200, LayeringMinLevels: 3, CooldownBlocks: 20,
			AttemptMinRatio: 2, AttemptMaxLayerFillPct: 50, MinAttempts: 2, AttemptPlaceBlocks: 3, AttemptPartialMinRatio: 3},
		Stuffing: StuffingParams{MinMessages: 50, BurstMultiple: 10, BaselineBlocks: 50, MaxFillPermille: 10,
			MinBursts: 2, WindowBlocks: 20, CooldownBlocks: 20},
		Close: CloseParams{IntervalBlocks: 100, WindowBlocks: 5, BaselineBlocks: 95, MinShareBps: 3000, ShareMultiple: 3,
			MinBaselineBps: 500, MinImpactBps: 20, ReversalBlocks: 5, MinReversalPct: 50, MinUnwindPct: 50,
			RoundTripMinQty: 20, RoundTripMinShareBps: 1000, RoundTripShareMultiple: 2},
		Momentum: MomentumParams{IgniteBlocks: 3, MinTakerShareBps: 5000, MinQty: 40, MinImpactBps: 20,
			ExitBlocks: 10, MinExitPct: 50, MaxExitCostBps: 100, CooldownBlocks: 20,
			RoundTripMinExitPct: 80, RoundTripMinTakerShareBps: 3000},
		Credits: CreditParams{CircularWindowBlocks: 1000, MinCircleHops: 2, MaxTrackedRanges: 1 << 16, MaxRefusedPerBlock: 1000},
	}
}

// MaxWindow is the number of blocks the engine keeps: a follower that
// restarts re-reads this many blocks before its resume height to rebuild the
// detectors' state.
func (p Params) MaxWindow() int { return p.maxWindow() }

// maxWindow is the history the engine keeps: the longest look-back any
// detector needs, plus the look-ahead of the delayed ones.
func (p Params) maxWindow() int {
	m := p.Wash.WindowBlocks
	for _, v := range []int64{int64(p.Ring.WindowBlocks), p.Spoof.keepBlocks(),
		p.Close.WindowBlocks + p.Close.BaselineBlocks + p.Close.ReversalBlocks + 1,
		2*p.Momentum.IgniteBlocks + p.Momentum.ExitBlocks + 1} {
		if int(v) > m {
			m = int(v)
		}
	}
	if m < 1 {
		m = 1
	}
	return m
}
