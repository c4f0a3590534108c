package keeper

import (
	"context"
	"errors"
	"math/big"
	"slices"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// GetPrice returns the feed's price record; a record with price 0 when the
// feed has never had a price.
func (k Keeper) GetPrice(ctx context.Context, id string) (types.PriceRecord, error) {
	rec, err := k.Prices.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.PriceRecord{FeedId: id}, nil
	}
	return rec, err
}

// update is a candidate price for a feed, with what backs it.
type update struct {
	price      oracle.Price
	votedPower int64
	totalPower int64
	sources    uint32
}

// applyUpdate records a new aggregated price for f unless the deviation
// breaker refuses it. It returns whether the price changed.
func (k Keeper) applyUpdate(ctx context.Context, f types.Feed, u update) (bool, error) {
	h, t := blockNow(ctx)
	rec, err := k.GetPrice(ctx, f.Id)
	if err != nil {
		return false, err
	}
	prev := rec.Status
	if st := oracle.CheckDeviation(rec.Observation(), u.price, h, f.MaxDeviationBpsPerBlock); !st.OK() {
		rec.Status, rec.Reason = types.StatusOf(st.Code), st.String()
		if rec.Status != prev {
			rec.LastCheckedHeight = h
			if err := k.Prices.Set(ctx, f.Id, rec); err != nil {
				return false, err
			}
			return false, emitStatus(ctx, f.Id, prev, rec)
		}
		return false, nil
	}
	previousPrice := rec.Price
	rec.Price, rec.Height, rec.Time = int64(u.price), h, t
	rec.VotedPower, rec.TotalPower, rec.Sources = u.votedPower, u.totalPower, u.sources
	rec.Status, rec.Reason = types.FeedStatus_FEED_STATUS_FRESH, ""
	if rec.Status != prev {
		rec.LastCheckedHeight = h
	}
	if err := k.pushHistory(ctx, &rec); err != nil {
		return false, err
	}
	if err := k.Prices.Set(ctx, f.Id, rec); err != nil {
		return false, err
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	if err := em.EmitTypedEvent(&types.EventPriceUpdated{
		FeedId: f.Id, Price: rec.Price, PreviousPrice: previousPrice, Height: h,
		VotedPower: u.votedPower, TotalPower: u.totalPower, Sources: u.sources, Licensed: f.Licensed,
	}); err != nil {
		return false, err
	}
	if rec.Status != prev {
		return true, emitStatus(ctx, f.Id, prev, rec)
	}
	return true, nil
}

// refreshStatus re-checks the staleness of a feed that got no update this
// block and records (and announces) a change of status.
func (k Keeper) refreshStatus(ctx context.Context, f types.Feed) error {
	rec, err := k.Prices.Get(ctx, f.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil // no price yet: nothing to mark
	}
	if err != nil {
		return err
	}
	st := k.Status(ctx, f, rec)
	next := types.StatusOf(st.Code)
	if next == rec.Status {
		return nil
	}
	prev := rec.Status
	h, _ := blockNow(ctx)
	rec.Status, rec.Reason, rec.LastCheckedHeight = next, reasonOf(st), h
	if err := k.Prices.Set(ctx, f.Id, rec); err != nil {
		return err
	}
	return emitStatus(ctx, f.Id, prev, rec)
}

func reasonOf(st oracle.Status) string {
	if st.OK() {
		return ""
	}
	return st.String()
}

func emitStatus(ctx context.Context, id string, prev types.FeedStatus, rec types.PriceRecord) error {
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventFeedStatusChanged{
		FeedId: id, Previous: prev, Status: rec.Status, Reason: rec.Reason,
	})
}

// pushHistory appends the record's price to the feed's history ring.
func (k Keeper) pushHistory(ctx context.Context, rec *types.PriceRecord) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	rec.HistorySeq++
	s := types.PriceSample{Seq: rec.HistorySeq, Height: rec.Height, Time: rec.Time, Price: rec.Price}
	return k.History.Set(ctx, collections.Join(rec.FeedId, rec.HistorySeq%uint64(p.HistorySize)), s)
}

// GetHistory returns the feed's recent samples, oldest first: at most
// history_size samples, the newest being the current price.
func (k Keeper) GetHistory(ctx context.Context, id string) ([]types.PriceSample, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := k.GetPrice(ctx, id)
	if err != nil {
		return nil, err
	}
	var oldest uint64 = 1
	if rec.HistorySeq > uint64(p.HistorySize) {
		oldest = rec.HistorySeq - uint64(p.HistorySize) + 1
	}
	var out []types.PriceSample
	err = k.History.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](id), func(_ collections.Pair[string, uint64], s types.PriceSample) (bool, error) {
		// Slots left over from a larger history_size are skipped.
		if s.Seq >= oldest && s.Seq <= rec.HistorySeq {
			out = append(out, s)
		}
		return false, nil
	})
	slices.SortFunc(out, func(a, b types.PriceSample) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	return out, err
}

// TWAP returns the time-weighted average price of the feed over the last
// window seconds of block time, and the time of the oldest sample used.
func (k Keeper) TWAP(ctx context.Context, id string, window int64) (oracle.Price, int64, error) {
	samples, err := k.GetHistory(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	if len(samples) == 0 {
		return 0, 0, types.ErrNoPrice.Wrapf("feed %s", id)
	}
	ring, err := oracle.NewRing(len(samples))
	if err != nil {
		return 0, 0, err
	}
	for _, s := range samples {
		if err := ring.Push(oracle.Sample{Time: s.Time, Price: oracle.Price(s.Price)}); err != nil {
			return 0, 0, err
		}
	}
	_, now := blockNow(ctx)
	twap, err := ring.TWAP(now, window)
	if err != nil {
		return 0, 0, types.ErrEmptyWindow.Wrapf("feed %s: %v", id, err)
	}
	from := max(samples[0].Time, now-window)
	return twap, from, nil
}

// PriceOf returns a feed's price and decimals when the price is fresh.
func (k Keeper) PriceOf(ctx context.Context, id string) (price int64, decimals uint32, ok bool) {
	f, err := k.Feeds.Get(ctx, id)
	if err != nil {
		return 0, 0, false
	}
	rec, err := k.Prices.Get(ctx, id)
	if err != nil || rec.Price <= 0 || !k.Status(ctx, f, rec).OK() {
		return 0, 0, false
	}
	if f.Licensed {
		// At once, not only from the next PreBlock: a price needs enough
		// feeders that are eligible now (licensed, not frozen, listed).
		subs, err := k.eligibleSubmissions(ctx, f)
		if err != nil || len(subs) < f.RequiredFeeders() {
			return 0, 0, false
		}
	}
	return rec.Price, f.Decimals, true
}

// TickPrice implements x/exchange's OraclePriceSource: the fresh price of
// feed in the ticks of a market whose tick is tickSize quote units per lot of
// lotSize base units. The feed's value (mantissa / 10^decimals) times
// 10^exponent is the price of one base unit in quote units (exponent: the
// quote denom's display exponent minus the base denom's, when the feed
// quotes display units). ok is false when the feed is unknown, its price is
// missing, stale or held by the deviation breaker (see PriceOf), or the
// converted price is below one tick or beyond an int64 (see TicksOf).
func (k Keeper) TickPrice(ctx context.Context, feed string, exponent int32, tickSize, lotSize sdkmath.Int) (int64, bool) {
	p, dec, ok := k.PriceOf(ctx, feed)
	if !ok {
		return 0, false
	}
	return TicksOf(p, dec, exponent, tickSize, lotSize)
}

// HasFeed implements x/exchange's OraclePriceSource: whether feed is
// registered.
func (k Keeper) HasFeed(ctx context.Context, feed string) bool {
	ok, err := k.Feeds.Has(ctx, feed)
	return err == nil && ok
}

// maxScaleExponent bounds |exponent - decimals| in TicksOf (10^54 is a
// 180-bit number: the arithmetic stays small).
const maxScaleExponent = 54

// TicksOf converts a feed price (mantissa with decimals) into ticks:
// mantissa * 10^exponent * lotSize / (10^decimals * tickSize), rounded half
// up, in exact integer arithmetic. ok is false for a non-positive mantissa,
// tick or lot size, a scale beyond 10^54, or a result below 1 or above
// math.MaxInt64 (the caller bounds it further to its engine's range).
func TicksOf(mantissa int64, decimals uint32, exponent int32, tickSize, lotSize sdkmath.Int) (int64, bool) {
	if mantissa <= 0 || tickSize.IsNil() || lotSize.IsNil() || !tickSize.IsPositive() || !lotSize.IsPositive() {
		return 0, false
	}
	e := int64(exponent) - int64(decimals)
	if e > maxScaleExponent || e < -maxScaleExponent {
		return 0, false
	}
	num := new(big.Int).SetInt64(mantissa)
	num.Mul(num, lotSize.BigInt())
	den := new(big.Int).Set(tickSize.BigInt())
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(max(e, -e)), nil)
	if e >= 0 {
		num.Mul(num, pow)
	} else {
		den.Mul(den, pow)
	}
	// Half up: (2*num + den) / (2*den).
	num.Lsh(num, 1)
	num.Add(num, den)
	den.Lsh(den, 1)
	q := num.Quo(num, den)
	if q.Sign() <= 0 || !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}
