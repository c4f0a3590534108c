package feeder

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clearchain/clearchain/oracle"
)

// MaxDecimals is the largest number of decimals a pair may have.
const MaxDecimals = 18

// maxNumberLen bounds the length of a number accepted from a source, so that
// a hostile payload cannot make the decimal arithmetic expensive.
const maxNumberLen = 80

// Pair is a price pair, such as ATOM/USD, with the number of decimals of its
// fixed-point prices.
type Pair struct {
	// Name is "BASE/QUOTE".
	Name string
	// Base and Quote are the two halves of Name.
	Base, Quote string
	// Decimals is the number of decimals of the pair's prices.
	Decimals uint8
}

// ParsePair parses "BASE/QUOTE" with the given decimals.
func ParsePair(name string, decimals uint8) (Pair, error) {
	base, quote, ok := strings.Cut(name, "/")
	if !ok || base == "" || quote == "" || strings.Contains(quote, "/") ||
		strings.TrimSpace(name) != name || strings.ContainsAny(name, " \t\n") {
		return Pair{}, fmt.Errorf("feeder: pair %q is not BASE/QUOTE", name)
	}
	if decimals > MaxDecimals {
		return Pair{}, fmt.Errorf("feeder: pair %s: %d decimals, at most %d", name, decimals, MaxDecimals)
	}
	return Pair{Name: name, Base: base, Quote: quote, Decimals: decimals}, nil
}

// Errors of price conversion.
var (
	// ErrBadPrice is returned for a value that is not a usable price: not a
	// number, zero or negative, too small for the pair's decimals, or too
	// large for an int64 mantissa.
	ErrBadPrice = errors.New("feeder: bad price")
)

// ParsePrice parses a decimal string ("10.5", "1.05e1") into a fixed-point
// price with the given decimals.
func ParsePrice(s string, decimals uint8) (oracle.Price, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxNumberLen {
		return 0, fmt.Errorf("%w: number of %d characters", ErrBadPrice, len(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a decimal number", ErrBadPrice, s)
	}
	return ToFixed(d, decimals)
}

// ToFixed converts d to a fixed-point price with the given decimals,
// rounding half away from zero (so 1.234565 with 5 decimals is 123457). The
// result must be positive and fit in an int64: a value that rounds to zero
// or exceeds 9223372036854775807 / 10^decimals is ErrBadPrice.
func ToFixed(d decimal.Decimal, decimals uint8) (oracle.Price, error) {
	if decimals > MaxDecimals {
		return 0, fmt.Errorf("%w: %d decimals, at most %d", ErrBadPrice, decimals, MaxDecimals)
	}
	if d.Sign() <= 0 {
		return 0, fmt.Errorf("%w: %s is not positive", ErrBadPrice, describe(d))
	}
	// Bound the magnitude from the exponent before any rescaling, which
	// would otherwise compute 10^|exponent|: |d| is in
	// [10^(e+n-1), 10^(e+n)) for exponent e and n coefficient digits.
	mag := int64(d.Exponent()) + int64(d.NumDigits()) + int64(decimals)
	if mag > 19 { // >= 10^19 after the shift: beyond int64
		return 0, fmt.Errorf("%w: %s is too large for %d decimals", ErrBadPrice, describe(d), decimals)
	}
	if mag < -1 { // < 0.01 units after the shift: rounds to zero
		return 0, fmt.Errorf("%w: %s is below the resolution of %d decimals", ErrBadPrice, describe(d), decimals)
	}
	scaled := d.Shift(int32(decimals)).Round(0)
	if !scaled.BigInt().IsInt64() {
		return 0, fmt.Errorf("%w: %s is too large for %d decimals", ErrBadPrice, describe(d), decimals)
	}
	p := oracle.Price(scaled.BigInt().Int64())
	if p <= 0 {
		return 0, fmt.Errorf("%w: %s is below the resolution of %d decimals", ErrBadPrice, describe(d), decimals)
	}
	return p, nil
}

// describe renders d for an error message without expanding a huge
// exponent into billions of digits.
func describe(d decimal.Decimal) string {
	if e := d.Exponent(); e < -40 || e > 40 {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}

// FormatPrice renders a fixed-point price as a decimal string with exactly
// decimals digits after the point: FormatPrice(1050000000, 8) is
// "10.50000000".
func FormatPrice(p oracle.Price, decimals uint8) string {
	return decimal.New(int64(p), -int32(decimals)).StringFixed(int32(decimals))
}

// PairPrice is the published price of one pair.
type PairPrice struct {
	// Pair is "BASE/QUOTE".
	Pair string
	// Price is the fixed-point mantissa; the value is Price / 10^Decimals.
	Price oracle.Price
	// Decimals is the number of decimals of Price.
	Decimals uint8
	// Sources is the number of sources that agreed on the price.
	Sources int
	// Time is when the feeder computed the price.
	Time time.Time
}

// String renders the price as "ATOM/USD 10.50000000 (3 sources)".
func (p PairPrice) String() string {
	return fmt.Sprintf("%s %s (%d sources)", p.Pair, FormatPrice(p.Price, p.Decimals), p.Sources)
}

// Unavailable names a configured pair that has no price, and why.
type Unavailable struct {
	Pair   string `json:"pair"`
	Reason string `json:"reason"`
}

// Snapshot is what the feeder serves: the outcome of its last polling round.
type Snapshot struct {
	// Time is when the last round finished; zero before the first one.
	Time time.Time
	// Prices are the published prices, sorted by pair.
	Prices []PairPrice
	// Unavailable are the configured pairs without a price, sorted by pair.
	Unavailable []Unavailable
}
