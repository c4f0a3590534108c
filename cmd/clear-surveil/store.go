package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/cockroachdb/pebble"

	"github.com/clearchain/clearchain/surveillance"
)

// store keeps the alerts and the last processed height in Pebble:
//
//	m/height                       → last processed height (8 bytes, big endian)
//	a/<height:020>/<id>            → alert JSON
//	e/<entity:020>/<height:020>/<id> → alert key (per-entity index)
//	d/<detector>/<height:020>/<id>   → alert key (per-detector index)
//
// One block's alerts and its height are written in one synced batch, so
// after a crash the store holds whole blocks only.
type store struct{ db *pebble.DB }

var keyHeight = []byte("m/height")

func openStore(dir string) (*store, error) {
	db, err := pebble.Open(dir, &pebble.Options{})
	if err != nil {
		return nil, fmt.Errorf("clear-surveil: open store %s: %w", dir, err)
	}
	return &store{db: db}, nil
}

func (s *store) Close() error { return s.db.Close() }

// height returns the last processed height (0: none).
func (s *store) height() (int64, error) {
	v, c, err := s.db.Get(keyHeight)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if len(v) != 8 {
		return 0, fmt.Errorf("clear-surveil: corrupt height record (%d bytes)", len(v))
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

func alertKey(a *surveillance.Alert) string { return fmt.Sprintf("a/%020d/%s", a.Height, a.ID) }

// commit writes one block's alerts and marks the block processed.
func (s *store) commit(height int64, alerts []surveillance.Alert) error {
	b := s.db.NewBatch()
	defer b.Close()
	for i := range alerts {
		a := &alerts[i]
		v, err := json.Marshal(a)
		if err != nil {
			return err
		}
		k := alertKey(a)
		if err := b.Set([]byte(k), v, nil); err != nil {
			return err
		}
		for _, ent := range a.Entities {
			if err := b.Set([]byte(fmt.Sprintf("e/%020d/%020d/%s", ent, a.Height, a.ID)), []byte(k), nil); err != nil {
				return err
			}
		}
		if err := b.Set([]byte(fmt.Sprintf("d/%s/%020d/%s", a.Detector, a.Height, a.ID)), []byte(k), nil); err != nil {
			return err
		}
	}
	var h [8]byte
	binary.BigEndian.PutUint64(h[:], uint64(height))
	if err := b.Set(keyHeight, h[:], nil); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// scan returns the values under prefix, newest (largest key) first, at
// most limit (0: all).
func (s *store) scan(prefix string, limit int) ([][]byte, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefix), UpperBound: prefixEnd([]byte(prefix))})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out [][]byte
	for ok := it.Last(); ok && (limit == 0 || len(out) < limit); ok = it.Prev() {
		out = append(out, append([]byte(nil), it.Value()...))
	}
	return out, it.Error()
}

func (s *store) get(k []byte) (*surveillance.Alert, error) {
	v, c, err := s.db.Get(k)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var a surveillance.Alert
	return &a, json.Unmarshal(v, &a)
}

// alerts returns the newest alerts, optionally of one detector or entity.
func (s *store) alerts(detector string, entity uint64, limit int) ([]surveillance.Alert, error) {
	var vals [][]byte
	var err error
	switch {
	case entity != 0:
		vals, err = s.scan(fmt.Sprintf("e/%020d/", entity), limit)
	case detector != "":
		vals, err = s.scan("d/"+detector+"/", limit)
	default:
		vals, err = s.scan("a/", limit)
	}
	if err != nil {
		return nil, err
	}
	out := make([]surveillance.Alert, 0, len(vals))
	for _, v := range vals {
		if entity != 0 || detector != "" {
			a, err := s.get(v)
			if err != nil {
				return nil, err
			}
			out = append(out, *a)
			continue
		}
		var a surveillance.Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// alert returns one alert by id ("<detector>/<height>/<n>").
func (s *store) alert(id string) (*surveillance.Alert, error) {
	var det string
	var h int64
	var n int
	if _, err := fmt.Sscanf(stringsReplaceSlash(id), "%s %d %d", &det, &h, &n); err != nil {
		return nil, fmt.Errorf("clear-surveil: bad alert id %q", id)
	}
	return s.get([]byte(fmt.Sprintf("a/%020d/%s", h, id)))
}

func stringsReplaceSlash(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '/' {
			b[i] = ' '
		}
	}
	return string(b)
}

// counts returns the number of alerts per detector.
func (s *store) counts() (map[string]int, []string, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte("d/"), UpperBound: []byte("d0")})
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	m := map[string]int{}
	for ok := it.First(); ok; ok = it.Next() {
		k := string(it.Key()[2:])
		for i := 0; i < len(k); i++ {
			if k[i] == '/' {
				m[k[:i]]++
				break
			}
		}
	}
	names := make([]string, 0, len(m))
	for d := range m {
		names = append(names, d)
	}
	sort.Strings(names)
	return m, names, it.Error()
}
