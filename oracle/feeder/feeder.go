package feeder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clearchain/clearchain/oracle"
)

// maxBackoffFactor caps the retry backoff at this multiple of the first one.
const maxBackoffFactor = 10

// Feeder polls its sources and keeps the latest [Snapshot]. It is safe for
// concurrent use: [Feeder.Snapshot] may be called while a round runs.
type Feeder struct {
	cfg     Config
	pairs   []pairJob
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	mu   sync.RWMutex
	snap Snapshot
}

type pairJob struct {
	pair         Pair
	sources      []sourceJob
	minSources   int
	maxSpreadBps uint64
}

type sourceJob struct {
	src     Source
	timeout time.Duration
	retries int
}

// Options are the optional collaborators of a [Feeder].
type Options struct {
	// Sources replaces the sources built from the configuration (tests, or
	// an embedding program with sources of its own). Every name the pairs
	// reference must be present.
	Sources map[string]Source
	// Metrics receives the feeder's metrics; nil disables them.
	Metrics *Metrics
	// Logger receives progress and errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// New returns a feeder for a validated configuration.
func New(cfg Config, opts Options) (*Feeder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sources := opts.Sources
	if sources == nil {
		var err error
		if sources, err = cfg.BuildSources(); err != nil {
			return nil, err
		}
	}
	byName := map[string]SourceConfig{}
	for _, sc := range cfg.Sources {
		byName[sc.Name] = sc
	}
	f := &Feeder{cfg: cfg, metrics: opts.Metrics, log: opts.Logger, now: opts.Now, sleep: sleepCtx}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	for _, pc := range cfg.Pairs {
		pair, err := ParsePair(pc.Pair, pc.Decimals)
		if err != nil {
			return nil, err
		}
		job := pairJob{pair: pair, minSources: pc.MinSources, maxSpreadBps: pc.MaxSpreadBps}
		for _, name := range pc.Sources {
			src, ok := sources[name]
			if !ok {
				return nil, fmt.Errorf("feeder: pair %s: no source %q", pc.Pair, name)
			}
			sc := byName[name]
			sj := sourceJob{src: src, timeout: cfg.Timeout, retries: cfg.Retries}
			if sc.Timeout > 0 {
				sj.timeout = sc.Timeout
			}
			if sc.Retries != nil {
				sj.retries = *sc.Retries
			}
			job.sources = append(job.sources, sj)
		}
		f.pairs = append(f.pairs, job)
	}
	slices.SortFunc(f.pairs, func(a, b pairJob) int { return strings.Compare(a.pair.Name, b.pair.Name) })
	f.snap = Snapshot{}
	for _, p := range f.pairs {
		f.snap.Unavailable = append(f.snap.Unavailable, Unavailable{Pair: p.pair.Name, Reason: "no polling round completed yet"})
	}
	return f, nil
}

// Snapshot returns the outcome of the last completed round. Each round
// publishes a new Snapshot; the slices of a returned one are shared and must
// not be modified.
func (f *Feeder) Snapshot() Snapshot {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.snap
}

// Run polls immediately and then every poll interval until ctx is done; it
// returns ctx's error. Each round is bounded by the poll interval.
func (f *Feeder) Run(ctx context.Context) error {
	t := time.NewTicker(f.cfg.PollInterval)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, f.cfg.PollInterval)
		f.Poll(rctx)
		cancel()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// fetchResult is the outcome of polling one source for one pair.
type fetchResult struct {
	source   string
	price    oracle.Price
	attempts int
	err      error
}

// Poll runs one round: it fetches every pair from its sources (at most
// MaxConcurrency fetches at once), decides each pair's price, and publishes
// the new snapshot. It returns the snapshot.
func (f *Feeder) Poll(ctx context.Context) Snapshot {
	start := f.now()
	results := make([][]fetchResult, len(f.pairs))
	sem := make(chan struct{}, f.cfg.MaxConcurrency)
	var wg sync.WaitGroup
	for i, pj := range f.pairs {
		results[i] = make([]fetchResult, len(pj.sources))
		for j, sj := range pj.sources {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					results[i][j] = fetchResult{source: sj.src.Name(), err: fmt.Errorf("feeder: source %s: not started: %w", sj.src.Name(), ctx.Err())}
					return
				}
				defer func() { <-sem }()
				results[i][j] = f.fetch(ctx, sj, pj.pair)
			}()
		}
	}
	wg.Wait()

	now := f.now()
	snap := Snapshot{Time: now}
	for i, pj := range f.pairs {
		price, agreeing, reason := decide(pj, results[i])
		if reason != "" {
			snap.Unavailable = append(snap.Unavailable, Unavailable{Pair: pj.pair.Name, Reason: reason})
			f.log.Warn("no price", "pair", pj.pair.Name, "reason", reason)
		} else {
			snap.Prices = append(snap.Prices, PairPrice{Pair: pj.pair.Name, Price: price, Decimals: pj.pair.Decimals, Sources: agreeing, Time: now})
			f.log.Debug("price", "pair", pj.pair.Name, "price", FormatPrice(price, pj.pair.Decimals), "sources", agreeing)
		}
		f.metrics.observePair(pj.pair.Name, price, pj.pair.Decimals, agreeing, float64(now.UnixNano())/1e9)
	}
	f.mu.Lock()
	f.snap = snap
	f.mu.Unlock()
	f.metrics.observeRound(now.Sub(start).Seconds())
	f.log.Info("round", "prices", len(snap.Prices), "unavailable", len(snap.Unavailable), "took", now.Sub(start).Round(time.Millisecond))
	return snap
}

// fetch polls one source for one pair: each attempt has the source's
// timeout; a failed attempt is retried after a backoff that doubles each
// time (capped at 10 times the first), unless the error is permanent or
// the round's context is done.
func (f *Feeder) fetch(ctx context.Context, sj sourceJob, pair Pair) fetchResult {
	name := sj.src.Name()
	backoff := f.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, sj.timeout)
		t0 := time.Now()
		p, err := sj.src.Fetch(actx, pair)
		if err == nil && p <= 0 {
			err = fmt.Errorf("feeder: source %s: %w: %d is not positive", name, ErrBadPrice, p)
		}
		if err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("feeder: source %s: timed out after %s: %w", name, sj.timeout, err)
		}
		cancel()
		f.metrics.observeFetch(name, pair.Name, time.Since(t0).Seconds(), err)
		if err == nil {
			return fetchResult{source: name, price: p, attempts: attempt}
		}
		f.log.Debug("fetch failed", "source", name, "pair", pair.Name, "attempt", attempt, "err", err)
		if attempt > sj.retries || IsPermanent(err) || ctx.Err() != nil {
			return fetchResult{source: name, attempts: attempt, err: err}
		}
		if serr := f.sleep(ctx, backoff); serr != nil {
			return fetchResult{source: name, attempts: attempt, err: err}
		}
		backoff = min(2*backoff, maxBackoffFactor*f.cfg.RetryBackoff)
	}
}

// decide turns one pair's fetch results into a price, or a reason why there
// is none. The sources agree when their price lies within MaxSpreadBps of
// the median of all successful sources; at least MinSources must agree, and
// the published price is the median of the agreeing ones (for an even count,
// the mean of the two middle prices rounded half up).
func decide(pj pairJob, results []fetchResult) (price oracle.Price, agreeing int, reason string) {
	var prices []oracle.Price
	var failures []string
	for _, r := range results {
		if r.err != nil {
			failures = append(failures, r.err.Error())
			continue
		}
		prices = append(prices, r.price)
	}
	if len(prices) == 0 {
		return 0, 0, fmt.Sprintf("all %d sources failed: %s", len(results), strings.Join(failures, "; "))
	}
	median, err := oracle.Median(slices.Clone(prices))
	if err != nil {
		return 0, 0, err.Error()
	}
	agree := prices[:0:0]
	for _, p := range prices {
		if oracle.WithinBps(p, median, pj.maxSpreadBps) {
			agree = append(agree, p)
		}
	}
	if len(agree) < pj.minSources {
		reason := fmt.Sprintf("%d of %d sources agree within %d bps of the median %s, need %d",
			len(agree), len(results), pj.maxSpreadBps, FormatPrice(median, pj.pair.Decimals), pj.minSources)
		if len(failures) > 0 {
			reason += "; failures: " + strings.Join(failures, "; ")
		}
		return 0, len(agree), reason
	}
	price, err = oracle.Median(agree)
	if err != nil {
		return 0, 0, err.Error()
	}
	return price, len(agree), ""
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
