// Package addrcache decodes bech32 account addresses through a bounded
// cache. A lane order's owner is decoded from its bech32 string up to ten
// times on its way (tx decoding in CheckTx, PrepareProposal,
// ProcessProposal and FinalizeBlock, the compliance gate's signer lookup,
// the Msg server, ValidateBasic), each a bech32 checksum over the whole
// string: ~3% of a node's CPU under a stream of single orders
// (docs/benchmarks.md, "Decoding each address once").
//
// Decoding is a pure function of the string and the expected prefix, and
// only successes are cached, so a cached answer is the answer decoding
// would give: the cache changes no result, errors included, and can never
// make two nodes disagree. Every caller gets its own copy of the bytes.
package addrcache

import (
	"bytes"
	"sync"

	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultSize bounds each cache: more distinct addresses than a block
// holds signers; when it is full it starts again empty.
const DefaultSize = 1 << 16

type entry struct {
	prefix string // the prefix the string was decoded against
	addr   []byte
}

// cache maps an address string to its decoded bytes.
type cache struct {
	mu  sync.RWMutex
	m   map[string]entry
	max int
}

func newCache(max int) *cache { return &cache{m: make(map[string]entry), max: max} }

func (c *cache) get(s, prefix string) ([]byte, bool) {
	c.mu.RLock()
	e, ok := c.m[s]
	c.mu.RUnlock()
	if !ok || e.prefix != prefix {
		return nil, false
	}
	return bytes.Clone(e.addr), true
}

func (c *cache) put(s, prefix string, addr []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[s] = entry{prefix: prefix, addr: bytes.Clone(addr)}
}

func (c *cache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// Codec is an address.Codec whose StringToBytes remembers what inner
// decoded. BytesToString is inner's.
type Codec struct {
	inner address.Codec
	c     *cache
}

var _ address.Codec = Codec{}

// NewCodec returns inner with a cache of DefaultSize strings.
func NewCodec(inner address.Codec) Codec { return Codec{inner: inner, c: newCache(DefaultSize)} }

// StringToBytes implements address.Codec.
func (c Codec) StringToBytes(s string) ([]byte, error) {
	if bz, ok := c.c.get(s, ""); ok {
		return bz, nil
	}
	bz, err := c.inner.StringToBytes(s)
	if err == nil {
		c.c.put(s, "", bz)
	}
	return bz, err
}

// BytesToString implements address.Codec.
func (c Codec) BytesToString(bz []byte) (string, error) { return c.inner.BytesToString(bz) }

var accounts = newCache(DefaultSize)

// AccAddressFromBech32 is sdk.AccAddressFromBech32 (the account prefix of
// the SDK's config), remembering what it decoded.
func AccAddressFromBech32(s string) (sdk.AccAddress, error) {
	prefix := sdk.GetConfig().GetBech32AccountAddrPrefix()
	if bz, ok := accounts.get(s, prefix); ok {
		return bz, nil
	}
	addr, err := sdk.AccAddressFromBech32(s)
	if err == nil {
		accounts.put(s, prefix, addr)
	}
	return addr, err
}
