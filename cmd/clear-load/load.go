package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/app"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Kinds of load transaction.
const (
	kindBatch  = "batch"
	kindSingle = "single"
	kindSend   = "banksend"
)

// stream is one kind of load: a rate of txs spread over its accounts.
type stream struct {
	kind     string
	rate     float64 // txs a second
	accounts []*account
}

// loadTx is a pre-signed load tx and what became of it.
type loadTx struct {
	signedTx
	kind    string
	acct    string        // its signer's name
	orders  int           // orders it places
	at      time.Duration // when to send it, from the start of the load
	sent    time.Time     // when it was handed to gRPC (zero: not sent)
	subH    int64         // the latest committed height when it was sent
	refused bool          // CheckTx refused it
}

// orderSpec is one load order: alternately a buy a little above the mid
// and a sell a little below it, so nearly every order fills (as the taker
// at once, or as the maker of the next opposite order) and the book stays
// small.
func orderSpec(r *rand.Rand, market uint64, n int) exchangetypes.OrderSpec {
	side, price := exchangetypes.Side_SIDE_BUY, int64(midPrice+r.IntN(3))
	if n%2 == 1 {
		side, price = exchangetypes.Side_SIDE_SELL, int64(midPrice-r.IntN(3))
	}
	return exchangetypes.OrderSpec{MarketId: market, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: uint64(1 + r.IntN(5))}
}

// msgsFor returns the message of the j-th tx of kind from a.
func (w *world) msgFor(r *rand.Rand, kind string, a *account, batch int, j int) (sdk.Msg, int) {
	switch kind {
	case kindBatch:
		places := make([]exchangetypes.OrderSpec, batch)
		for i := range places {
			places[i] = orderSpec(r, w.marketID, j*batch+i)
		}
		return &exchangetypes.MsgBatch{Owner: a.addr.String(), Places: places}, batch
	case kindSingle:
		return &exchangetypes.MsgPlaceOrder{Owner: a.addr.String(), Order: orderSpec(r, w.marketID, j)}, 1
	default:
		to := w.traders[(j+1)%len(w.traders)].addr
		if w.foreign != nil {
			return w.foreign.send(a.addr, to), 0
		}
		return banktypes.NewMsgSend(a.addr, to, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))), 0
	}
}

// presign signs every load tx before the load starts, so the client's
// signing costs nothing while it runs. An order tx's gas limit is its fixed
// order gas (exchangetypes.OrderTxGas), exactly, as the Go client and
// clear-mm set it (x/exchange/README.md, "Order gas"); a bank send's comes
// from simulating one, with headroom. (Order txs once took the simulated
// gas plus 30% too: block.max_gas, which counts gas limits, then held a
// block to 23 batches of 200, 4,600 orders, below the 5,000-order cap.)
//
// With lane, single-order txs are lane txs (chain.signLane): each gets its
// own timeout (its replay nonce), 5 minutes after signing plus its index in
// nanoseconds, inside the chain's 10-minute window for a run of minutes.
func presign(ctx context.Context, c *chain, w *world, streams []stream, batch int, dur time.Duration, seed uint64, lane bool) ([]*loadTx, error) {
	r := rand.New(rand.NewPCG(seed, 15))
	laneTimeout := time.Now().Add(5 * time.Minute)
	var all []*loadTx
	for _, s := range streams {
		if s.rate <= 0 || len(s.accounts) == 0 {
			continue
		}
		for _, a := range s.accounts {
			if err := c.refresh(ctx, a); err != nil {
				return nil, err
			}
		}
		m, _ := w.msgFor(r, s.kind, s.accounts[0], batch, 0)
		_, fixed := exchangetypes.OrderTxGas([]proto.Message{m})
		var gas uint64
		if !fixed {
			var err error
			if gas, err = c.simulateGas(ctx, s.accounts[0], m); err != nil {
				return nil, fmt.Errorf("%s: %w", s.kind, err)
			}
		}
		n := int(s.rate * dur.Seconds())
		t0 := time.Now()
		for j := 0; j < n; j++ {
			a := s.accounts[j%len(s.accounts)]
			m, orders := w.msgFor(r, s.kind, a, batch, j)
			if fixed {
				gas, _ = exchangetypes.OrderTxGas([]proto.Message{m})
			}
			var tx signedTx
			var err error
			if po, ok := m.(*exchangetypes.MsgPlaceOrder); ok && lane {
				tx, err = c.signLane(a, po, laneTimeout.Add(time.Duration(j)))
			} else {
				tx, err = c.sign(a, gas, m)
			}
			if err != nil {
				return nil, err
			}
			all = append(all, &loadTx{signedTx: tx, kind: s.kind, acct: a.name, orders: orders, at: time.Duration(float64(j) / s.rate * float64(time.Second))})
		}
		how := "simulated"
		switch {
		case lane && s.kind == kindSingle:
			how = "lane txs"
		case fixed:
			how = "fixed order gas"
		}
		progress("pre-signed %d %s txs (gas limit %d, %s; %d accounts) in %.1f s", n, s.kind, gas, how, len(s.accounts), time.Since(t0).Seconds())
	}
	return all, nil
}

// heightClock records when the tool first saw each committed height.
type heightClock struct {
	pid  int // the node's; 0: no CPU samples
	mu   sync.Mutex
	seen map[int64]time.Time
	cpu  map[int64]float64 // the node's CPU seconds when the height was seen
	last atomic.Int64
}

// run polls the node's height every 20 ms until ctx ends.
func (hc *heightClock) run(ctx context.Context, c *chain) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if h, err := c.height(ctx); err == nil {
			now := time.Now()
			var cpu float64
			if hc.pid > 0 && h > hc.last.Load() {
				cpu, _ = nodeCPU(hc.pid)
			}
			hc.mu.Lock()
			for x := hc.last.Load() + 1; x <= h; x++ {
				if _, ok := hc.seen[x]; !ok && hc.last.Load() > 0 {
					hc.seen[x] = now
					hc.cpu[x] = cpu
				}
			}
			if h > hc.last.Load() {
				hc.last.Store(h)
			}
			hc.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// waitSeen waits until the clock has seen height h, at most timeout;
// false if it has not.
func (hc *heightClock) waitSeen(h int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for hc.last.Load() < h {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func (hc *heightClock) at(h int64) (time.Time, float64, bool) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	t, ok := hc.seen[h]
	return t, hc.cpu[h], ok
}

// offer sends the txs at their times: one goroutine per account keeps its
// txs in sequence order. An account whose tx CheckTx refuses stops (its
// later txs would carry the wrong sequence).
func offer(ctx context.Context, c *chain, txs []*loadTx, hc *heightClock, start time.Time) (sent, refused int) {
	byAcct := map[string][]*loadTx{}
	var order []string
	for _, tx := range txs {
		k := acctKey(tx)
		if _, ok := byAcct[k]; !ok {
			order = append(order, k)
		}
		byAcct[k] = append(byAcct[k], tx)
	}
	var nSent, nRefused, nFull atomic.Int64
	var last time.Duration // the time of the last scheduled tx
	for _, tx := range txs {
		last = max(last, tx.at)
	}
	var firstErr sync.Once
	var wg sync.WaitGroup
	for _, k := range order {
		wg.Add(1)
		go func(list []*loadTx) {
			defer wg.Done()
			for _, tx := range list {
				if d := time.Until(start.Add(tx.at)); d > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(d):
					}
				}
				var err error
				for {
					tx.subH = hc.last.Load()
					tx.sent = time.Now()
					err = c.broadcast(ctx, tx.signedTx)
					// A full mempool keeps the tx's sequence free: offer it
					// again shortly, until the load's time is up.
					if err == nil || !errors.Is(err, errMempoolFull) || time.Since(start) > last {
						break
					}
					nFull.Add(1)
					select {
					case <-ctx.Done():
						return
					case <-time.After(200 * time.Millisecond):
					}
				}
				if err != nil {
					tx.refused = true
					nRefused.Add(1)
					firstErr.Do(func() { progress("a %s tx was refused (its account stops): %v", tx.kind, err) })
					return
				}
				nSent.Add(1)
			}
		}(byAcct[k])
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return int(nSent.Load()), int(nRefused.Load())
		case <-tick.C:
			progress("load: %.0f s, %d txs accepted, %d refused, %d retries on a full mempool, height %d",
				time.Since(start).Seconds(), nSent.Load(), nRefused.Load(), nFull.Load(), hc.last.Load())
		}
	}
}

// acctKey groups a tx with the other txs of its signer.
func acctKey(tx *loadTx) string { return tx.acct }

// nodeCPU returns the utime+stime of pid in seconds (from /proc/<pid>/stat).
func nodeCPU(pid int) (float64, error) {
	bz, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(bz)
	// Fields after the command name (which may contain spaces), from field 3.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ut, err1 := strconv.ParseFloat(f[11], 64) // field 14
	st, err2 := strconv.ParseFloat(f[12], 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime/stime", pid)
	}
	const clkTck = 100 // USER_HZ on Linux
	return (ut + st) / clkTck, nil
}
