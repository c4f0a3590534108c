package surveillance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// Detector names, as they appear in Alert.Detector.
const (
	DetWash               = "wash_trade"
	DetRing               = "collusive_ring"
	DetSpoofing           = "spoofing"
	DetLayering           = "layering"
	DetQuoteStuffing      = "quote_stuffing"
	DetMarkingClose       = "marking_close"
	DetMomentumIgnition   = "momentum_ignition"
	DetCreditDoubleIssue  = "credit_double_issuance"
	DetCreditAfterRetire  = "credit_transfer_after_retirement"
	DetCreditDoubleClaim  = "credit_double_claim"
	DetCreditCircularFlow = "credit_circular_transfer"
)

// Detectors lists every detector name in a fixed order.
var Detectors = []string{DetWash, DetRing, DetSpoofing, DetLayering, DetQuoteStuffing, DetMarkingClose,
	DetMomentumIgnition, DetCreditDoubleIssue, DetCreditAfterRetire, DetCreditDoubleClaim, DetCreditCircularFlow}

// Alert is a case for review — not a finding. Every slice is sorted and
// deduplicated, so an alert's encoding depends only on its content.
type Alert struct {
	// ID is "<detector>/<height>/<n>", n counting this block's alerts.
	ID       string `json:"id"`
	Detector string `json:"detector"`
	// Height is the block at which the alert was raised; FirstHeight the
	// earliest block of its evidence.
	Height      int64 `json:"height"`
	FirstHeight int64 `json:"first_height"`
	// Time is the time of the block at Height (the block header's).
	Time   time.Time `json:"time"`
	Market uint64    `json:"market,omitempty"`
	// Entities are legal-entity ids; Group the ownership group (root
	// parent entity) they were grouped under, when the detector groups.
	Entities []uint64 `json:"entities,omitempty"`
	Group    uint64   `json:"group,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
	OrderIDs []uint64 `json:"order_ids,omitempty"`
	TradeIDs []string `json:"trade_ids,omitempty"`
	// Serials are green-credit serial ranges "<contract>:<start>-<end>".
	Serials []string `json:"serials,omitempty"`
	// Evidence is a one-paragraph human-readable account of why.
	Evidence string `json:"evidence"`
	// Refused is set when the alert is about an attempt the chain refused
	// (a tx that failed in DeliverTx): the tx's hash, height, index,
	// signer, code and the chain's log.
	Refused *RefusedRef `json:"refused_tx,omitempty"`
	// Score is the alert's strength in per mille (0..1000): how far past its
	// thresholds the pattern was. It orders a review queue; it is no
	// probability.
	Score int64 `json:"score"`
}

// Engine runs every detector over a stream of blocks. It is not safe for
// concurrent use; one Engine follows one chain, block by block, in height
// order. Its output depends only on its params and the events it was given.
type Engine struct {
	p        Params
	parents  map[uint64]uint64
	accounts map[string]uint64
	hist     []*block // the last p.maxWindow() blocks, oldest first
	last     map[string]int64
	wash     map[mgKey][]Fill // group-internal fills in the wash window
	spoof    spoofState
	stuff    stuffState
	credits  creditState
	height   int64
	time     time.Time
}

// New returns an engine with params p.
func New(p Params) *Engine {
	e := &Engine{p: p, parents: map[uint64]uint64{}, accounts: map[string]uint64{}, last: map[string]int64{}, wash: map[mgKey][]Fill{}}
	for k, v := range p.Parents {
		e.parents[k] = v
	}
	for k, v := range p.AccountEntities {
		e.accounts[k] = v
	}
	e.spoof.init()
	e.stuff.init()
	e.credits.init()
	return e
}

// Params returns the engine's params.
func (e *Engine) Params() Params { return e.p }

// ProcessBlock feeds one block's FinalizeBlock events (its txs' events, then
// the block's own) and returns the alerts raised at this height, sorted.
// Heights must increase; a block at or below the last one is ignored.
// It is ProcessBlockTxs without refused txs.
func (e *Engine) ProcessBlock(height int64, blockTime time.Time, events []abci.Event) []Alert {
	return e.ProcessBlockTxs(height, blockTime, events, nil)
}

// ProcessBlockTxs is ProcessBlock with the block's refused txs (those that
// failed in DeliverTx, in block order: txdecode.Codec.Failed): the green-credit
// detectors read the attempts in them after the block's events. At most
// Params.Credits.MaxRefusedPerBlock of them are read (0: none).
func (e *Engine) ProcessBlockTxs(height int64, blockTime time.Time, events []abci.Event, refused []RefusedTx) []Alert {
	if height <= e.height {
		return nil
	}
	e.height, e.time = height, blockTime
	b := e.parseBlock(height, events)
	if n := e.p.Credits.MaxRefusedPerBlock; len(refused) > n {
		refused = refused[:max(n, 0)]
	}
	b.refused = refused
	e.hist = append(e.hist, b)
	if w := int64(e.p.maxWindow()); int64(len(e.hist)) > w {
		drop := int64(len(e.hist)) - w
		for i := int64(0); i < drop; i++ {
			e.hist[i] = nil
		}
		e.hist = e.hist[drop:]
	}
	var out []Alert
	out = append(out, e.detectWash(b)...)
	out = append(out, e.detectRings(b)...)
	out = append(out, e.detectSpoofing(b)...)
	out = append(out, e.detectStuffing(b)...)
	out = append(out, e.detectPending(b)...)
	out = append(out, e.detectCredits(b)...)
	out = append(out, e.detectAttempts(b)...)
	for i := range out {
		normalize(&out[i])
		out[i].Time = blockTime
	}
	sort.SliceStable(out, func(i, j int) bool { return alertLess(&out[i], &out[j]) })
	for i := range out {
		out[i].ID = out[i].Detector + "/" + strconv.FormatInt(height, 10) + "/" + strconv.Itoa(i)
	}
	return out
}

// Group returns the ownership group of an entity: the root of its parent
// chain (itself when it has no parent). Chains are followed at most 32 steps,
// so a parent cycle cannot hang the engine.
func (e *Engine) Group(entity uint64) uint64 {
	g := entity
	for i := 0; i < 32; i++ {
		p, ok := e.parents[g]
		if !ok || p == 0 || p == g {
			return g
		}
		g = p
	}
	return g
}

// EntityOf returns the entity an account was last seen acting for (0 when
// unknown).
func (e *Engine) EntityOf(account string) uint64 { return e.accounts[account] }

func (e *Engine) learnAccount(acct string, entity uint64) {
	if acct != "" && entity != 0 {
		e.accounts[acct] = entity
	}
}

// cooled reports whether an alert under key may be raised at this height
// (none under the same key within the cooldown), and records it if so.
func (e *Engine) cooled(key string, cooldown int64) bool {
	if last, ok := e.last[key]; ok && e.height-last < cooldown {
		return false
	}
	e.last[key] = e.height
	return true
}

// window returns the blocks with height in (e.height-n, e.height].
func (e *Engine) window(n int) []*block {
	if n > len(e.hist) {
		n = len(e.hist)
	}
	return e.hist[len(e.hist)-n:]
}

// blockAt returns the block at height h if it is still in the history.
func (e *Engine) blockAt(h int64) *block {
	if len(e.hist) == 0 {
		return nil
	}
	i := len(e.hist) - 1 - int(e.height-h)
	if i < 0 || i >= len(e.hist) || e.hist[i].height != h {
		for _, b := range e.hist {
			if b.height == h {
				return b
			}
		}
		return nil
	}
	return e.hist[i]
}

func normalize(a *Alert) {
	a.Entities = uniqU64(a.Entities)
	a.OrderIDs = uniqU64(a.OrderIDs)
	a.Accounts = uniqStr(a.Accounts)
	a.TradeIDs = uniqStr(a.TradeIDs)
	a.Serials = uniqStr(a.Serials)
	if a.Score > 1000 {
		a.Score = 1000
	}
	if a.Score < 0 {
		a.Score = 0
	}
}

func alertLess(a, b *Alert) bool {
	if a.Detector != b.Detector {
		return a.Detector < b.Detector
	}
	if a.Market != b.Market {
		return a.Market < b.Market
	}
	if a.Group != b.Group {
		return a.Group < b.Group
	}
	if c := cmpU64s(a.Entities, b.Entities); c != 0 {
		return c < 0
	}
	if a.FirstHeight != b.FirstHeight {
		return a.FirstHeight < b.FirstHeight
	}
	return a.Evidence < b.Evidence
}

func cmpU64s(a, b []uint64) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func uniqU64(s []uint64) []uint64 {
	if len(s) == 0 {
		return nil
	}
	s = append([]uint64(nil), s...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func uniqStr(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Strings(out)
	w := 1
	for _, v := range out[1:] {
		if v != out[w-1] {
			out[w] = v
			w++
		}
	}
	return out[:w]
}

// per mille helpers (integers only: outputs are byte-identical everywhere).
func bps(num, den int64) int64 {
	if den == 0 {
		return 0
	}
	return num * 10000 / den
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func key(parts ...any) string {
	var sb strings.Builder
	for i, p := range parts {
		if i > 0 {
			sb.WriteByte('|')
		}
		fmt.Fprint(&sb, p)
	}
	return sb.String()
}
