package stream

import (
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/clearchain/clearchain/stream/types"
)

// encoded is a stream message marshalled once and sent as is to every
// subscriber with the same filter: the gRPC codec asks gogoproto messages
// for their bytes through these methods.
type encoded struct {
	*types.StreamMessage
	bz []byte
}

// Marshal returns the cached bytes.
func (e *encoded) Marshal() ([]byte, error) { return e.bz, nil }

// Size returns the cached size.
func (e *encoded) Size() int { return len(e.bz) }

// XXX_Size returns the cached size.
func (e *encoded) XXX_Size() int { return len(e.bz) } //nolint:revive // gogoproto's marshal interface

// XXX_Marshal appends the cached bytes.
func (e *encoded) XXX_Marshal(b []byte, _ bool) ([]byte, error) { return append(b, e.bz...), nil } //nolint:revive

// renderCache holds a frame's encoded renders by subscriber filter.
type renderCache struct {
	mu sync.Mutex
	m  map[string]*encoded
}

// filterKey identifies the render of a subscriber's filter.
func (s *Subscriber) filterKey() string {
	var b strings.Builder
	if s.noBooks {
		b.WriteString("nobooks;")
	}
	if s.markets != nil {
		ids := make([]uint64, 0, len(s.markets))
		for m := range s.markets {
			ids = append(ids, m)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, m := range ids {
			b.WriteString(strconv.FormatUint(m, 10))
			b.WriteByte(',')
		}
	}
	b.WriteByte(';')
	accs := make([]string, 0, len(s.accounts))
	for a := range s.accounts {
		accs = append(accs, a)
	}
	sort.Strings(accs)
	b.WriteString(strings.Join(accs, ","))
	return b.String()
}

// renderEncoded returns f rendered for s, marshalled once per filter.
func (s *Subscriber) renderEncoded(f *frame) (*encoded, error) {
	f.cache.mu.Lock()
	defer f.cache.mu.Unlock()
	if e := f.cache.m[s.key]; e != nil {
		return e, nil
	}
	msg := s.render(f)
	bz, err := msg.Marshal()
	if err != nil {
		return nil, err
	}
	e := &encoded{StreamMessage: msg, bz: bz}
	if f.cache.m == nil {
		f.cache.m = map[string]*encoded{}
	}
	f.cache.m[s.key] = e
	return e, nil
}
