package oracle_test

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

// decodeVotes turns fuzz bytes into votes: 10 bytes a vote, 1 byte of
// validator id (collisions exercise duplicates), 2 bytes of power (the top
// bit making it negative), 7 bytes of price (sign from the top bit).
func decodeVotes(data []byte) []oracle.Vote {
	var votes []oracle.Vote
	for len(data) >= 10 {
		power := int64(binary.BigEndian.Uint16(data[1:3]) & 0x7fff)
		if data[1]&0x80 != 0 {
			power = -power
		}
		var p [8]byte
		copy(p[1:], data[3:10])
		price := int64(binary.BigEndian.Uint64(p[:]) & 0x7fffffffffffff)
		if data[3]&0x80 != 0 {
			price = -price
		}
		votes = append(votes, oracle.Vote{Validator: "v" + strconv.Itoa(int(data[0])), Power: power, Price: oracle.Price(price)})
		data = data[10:]
	}
	return votes
}

// FuzzAggregate checks, for arbitrary votes and parameters, that Aggregate
// never panics, that every error is one of the documented ones, and that a
// result is a weighted median of the accepted votes lying within their
// range, backed by a quorum, and independent of the order of the input. The
// seed corpus is in testdata/fuzz/FuzzAggregate.
func FuzzAggregate(f *testing.F) {
	f.Add([]byte("\x01\x00\x10\x00\x00\x00\x00\x00\x00\x64\x02\x00\x10\x00\x00\x00\x00\x00\x00\x65"), uint64(0), uint64(500), uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, extraPower uint64, outlierBps uint64, num, den uint8) {
		votes := decodeVotes(data)
		var total int64
		for _, v := range votes {
			if v.Power > 0 && v.Price > 0 {
				total += v.Power
			}
		}
		total += int64(extraPower % (1 << 20))
		p := oracle.Params{QuorumNumerator: uint64(num), QuorumDenominator: uint64(den), OutlierBps: outlierBps}
		res, err := oracle.Aggregate(votes, total, p, nil)
		if err != nil {
			for _, known := range []error{oracle.ErrNoVotes, oracle.ErrInsufficientPower, oracle.ErrInvalidVote,
				oracle.ErrDuplicateVote, oracle.ErrInvalidParams} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("undocumented error: %v", err)
		}
		acc := res.Accepted()
		if len(acc) == 0 || res.Price < acc[0].Price || res.Price > acc[len(acc)-1].Price {
			t.Fatalf("price %d outside the accepted votes %v", res.Price, acc)
		}
		if want := bruteWeightedMedian(acc); want != res.Price {
			t.Fatalf("price %d, definition gives %d", res.Price, want)
		}
		var accepted int64
		for _, v := range acc {
			accepted += v.Power
		}
		if accepted != res.AcceptedPower || accepted*int64(den) < total*int64(num) {
			t.Fatalf("accepted power %d (reported %d) of %d is below the quorum %d/%d", accepted, res.AcceptedPower, total, num, den)
		}
		want := slices.Clone(res.Votes)
		reversed := slices.Clone(votes)
		slices.Reverse(reversed)
		res2, err := oracle.Aggregate(reversed, total, p, nil)
		if err != nil || res2.Price != res.Price || !slices.Equal(res2.Votes, want) || res2.Lo != res.Lo || res2.Hi != res.Hi {
			t.Fatalf("reversed input changed the result: %v", err)
		}
	})
}

// FuzzTWAP checks that the TWAP of any history lies between the smallest and
// the largest sample price.
func FuzzTWAP(f *testing.F) {
	f.Add([]byte("\x00\x01\x00\x00\x00\x00\x00\x00\x00\x64\x05\x00\x00\x00\x00\x00\x00\x00\xc8"), int64(10), int64(10))
	f.Fuzz(func(t *testing.T, data []byte, now, window int64) {
		r, err := oracle.NewRing(4)
		if err != nil {
			t.Fatal(err)
		}
		var tm int64
		for len(data) >= 10 {
			tm += int64(binary.BigEndian.Uint16(data[0:2]))
			price := oracle.Price(binary.BigEndian.Uint64(data[2:10]) >> 1)
			data = data[10:]
			if err := r.Push(oracle.Sample{Time: tm, Price: price}); err != nil && !errors.Is(err, oracle.ErrInvalidPrice) {
				t.Fatal(err)
			}
		}
		got, err := r.TWAP(now, window)
		if err != nil {
			if !errors.Is(err, oracle.ErrEmptyWindow) && !errors.Is(err, oracle.ErrInvalidParams) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		lo, hi := oracle.MaxPrice, oracle.Price(0)
		for _, s := range r.Samples(nil) {
			lo, hi = min(lo, s.Price), max(hi, s.Price)
		}
		if got < lo || got > hi {
			t.Fatalf("TWAP %d outside [%d,%d]", got, lo, hi)
		}
	})
}
