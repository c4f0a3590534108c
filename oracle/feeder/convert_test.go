package feeder

import (
	"errors"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

func TestParsePrice(t *testing.T) {
	for _, tc := range []struct {
		in       string
		decimals uint8
		want     oracle.Price
		err      error
	}{
		{in: "10.5", decimals: 8, want: 1_050_000_000},
		{in: " 10.5\n", decimals: 8, want: 1_050_000_000},
		{in: "1.05e1", decimals: 8, want: 1_050_000_000},
		{in: "1.234565", decimals: 5, want: 123_457},  // half rounds away from zero
		{in: "1.2345649", decimals: 5, want: 123_456}, // below half rounds down
		{in: "0.000000005", decimals: 8, want: 1},     // exactly half a unit rounds up
		{in: "7", decimals: 0, want: 7},
		{in: "92233720368.54775807", decimals: 8, want: oracle.MaxPrice},
		{in: "92233720368.54775808", decimals: 8, err: ErrBadPrice},
		{in: "0.000000004", decimals: 8, err: ErrBadPrice}, // rounds to zero
		{in: "0", decimals: 8, err: ErrBadPrice},
		{in: "-1", decimals: 8, err: ErrBadPrice},
		{in: "NaN", decimals: 8, err: ErrBadPrice},
		{in: "Infinity", decimals: 8, err: ErrBadPrice},
		{in: "1e400", decimals: 8, err: ErrBadPrice},
		{in: "1e2000000000", decimals: 8, err: ErrBadPrice},  // must not compute 10^2e9
		{in: "1e-2000000000", decimals: 8, err: ErrBadPrice}, // nor this
		{in: "12abc", decimals: 8, err: ErrBadPrice},
		{in: "", decimals: 8, err: ErrBadPrice},
		{in: "1.0000000000000000000000000000000000000000000000000000000000000000000000000000000001", decimals: 8, err: ErrBadPrice}, // too long
		{in: "1", decimals: 19, err: ErrBadPrice},
	} {
		got, err := ParsePrice(tc.in, tc.decimals)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("ParsePrice(%q, %d) = %d, %v; want %d, %v", tc.in, tc.decimals, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatPrice(t *testing.T) {
	for _, tc := range []struct {
		p        oracle.Price
		decimals uint8
		want     string
	}{
		{1_050_000_000, 8, "10.50000000"},
		{1, 8, "0.00000001"},
		{42, 0, "42"},
		{oracle.MaxPrice, 18, "9.223372036854775807"},
	} {
		if got := FormatPrice(tc.p, tc.decimals); got != tc.want {
			t.Errorf("FormatPrice(%d, %d) = %q, want %q", tc.p, tc.decimals, got, tc.want)
		}
	}
}

func TestParsePair(t *testing.T) {
	p, err := ParsePair("ATOM/USD", 8)
	if err != nil || p.Base != "ATOM" || p.Quote != "USD" || p.Decimals != 8 {
		t.Fatalf("ParsePair = %+v, %v", p, err)
	}
	for _, bad := range []string{"ATOMUSD", "/USD", "ATOM/", "A/B/C", " ATOM/USD", "ATOM /USD"} {
		if _, err := ParsePair(bad, 8); err == nil {
			t.Errorf("ParsePair(%q) accepted", bad)
		}
	}
	if _, err := ParsePair("ATOM/USD", 19); err == nil {
		t.Error("19 decimals accepted")
	}
}

func TestSelect(t *testing.T) {
	body := []byte(`{"data":{"price":"10.5","n":10.25},"result":[{"last":"1.5"},{"last":2}],"list":[[7]],"0":{"x":1}}`)
	for _, tc := range []struct {
		field string
		want  oracle.Price
		err   error
	}{
		{field: "data.price", want: 1050},
		{field: "data.n", want: 1025},
		{field: "result.0.last", want: 150},
		{field: "result.1.last", want: 200},
		{field: "list.0.0", want: 700},
		{field: "0.x", want: 100}, // a numeric key of an object
		{field: "data.missing", err: ErrBadPayload},
		{field: "result.2.last", err: ErrBadPayload},
		{field: "result.x", err: ErrBadPayload},
		{field: "result.-1", err: ErrBadPayload},
		{field: "data.price.deeper", err: ErrBadPayload},
		{field: "data", err: ErrBadPayload}, // an object is not a price
		{field: "", err: ErrBadPayload},     // neither is the document
	} {
		got, err := priceFromJSON(body, tc.field, 2)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("field %q: %d, %v; want %d, %v", tc.field, got, err, tc.want, tc.err)
		}
	}
	if got, err := priceFromJSON([]byte(`12.5`), "", 1); err != nil || got != 125 {
		t.Errorf("whole document: %d, %v", got, err)
	}
}
