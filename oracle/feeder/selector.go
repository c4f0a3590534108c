package feeder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/clearchain/clearchain/oracle"
)

// ErrBadPayload is returned when a source's response cannot be read: not
// JSON, or the selected field is missing or not a number.
var ErrBadPayload = errors.New("feeder: bad payload")

// Select walks a decoded JSON document along a dot path: each segment is an
// object key, or an array index when the current value is an array
// ("result.0.last"). The empty path selects the whole document.
func Select(doc any, path string) (any, error) {
	if path == "" {
		return doc, nil
	}
	cur := doc
	for i, seg := range strings.Split(path, ".") {
		where := strings.Join(strings.Split(path, ".")[:i], ".")
		if where == "" {
			where = "the document"
		}
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[seg]
			if !ok {
				return nil, fmt.Errorf("%w: field %q: no key %q in %s", ErrBadPayload, path, seg, where)
			}
			cur = next
		case []any:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 {
				return nil, fmt.Errorf("%w: field %q: %s is an array, %q is not an index", ErrBadPayload, path, where, seg)
			}
			if idx >= len(v) {
				return nil, fmt.Errorf("%w: field %q: index %d out of range, %s has %d elements", ErrBadPayload, path, idx, where, len(v))
			}
			cur = v[idx]
		default:
			return nil, fmt.Errorf("%w: field %q: %s is not an object or array", ErrBadPayload, path, where)
		}
	}
	return cur, nil
}

// decodeJSON decodes one JSON document, keeping numbers as json.Number so
// that no precision is lost to float64.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrBadPayload, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: not JSON: data after the document", ErrBadPayload)
	}
	return doc, nil
}

// priceFromJSON selects field in a JSON body and converts it to a price: a
// JSON number or a string holding a decimal number.
func priceFromJSON(body []byte, field string, decimals uint8) (oracle.Price, error) {
	doc, err := decodeJSON(body)
	if err != nil {
		return 0, err
	}
	v, err := Select(doc, field)
	if err != nil {
		return 0, err
	}
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	case nil:
		return 0, fmt.Errorf("%w: field %q is null", ErrBadPayload, field)
	default:
		return 0, fmt.Errorf("%w: field %q is a %T, not a number or string", ErrBadPayload, field, v)
	}
	return ParsePrice(s, decimals)
}
