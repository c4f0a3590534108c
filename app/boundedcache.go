package app

import "sync"

// boundedCache is a map from a 32-byte key (a SHA-256 of tx bytes) to V
// that holds at most its capacity of entries, the oldest insertion evicted
// first. Safe for concurrent use. It backs the node-local caches of the
// CheckTx path (SigCache, DecodedTxCache), which must never change what a
// block does: a miss only costs the work the cache would have saved.
type boundedCache[V any] struct {
	mu      sync.Mutex
	entries map[[32]byte]V
	ring    [][32]byte // insertion order, for eviction
	next    int
}

func newBoundedCache[V any](capacity int) boundedCache[V] {
	return boundedCache[V]{entries: make(map[[32]byte]V, capacity), ring: make([][32]byte, capacity)}
}

// put stores v under k. If k is already there, replace says whether v
// takes the old value's place (keeping its position in the eviction
// order).
func (c *boundedCache[V]) put(k [32]byte, v V, replace bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; ok {
		if replace {
			c.entries[k] = v
		}
		return
	}
	if old := c.ring[c.next]; old != ([32]byte{}) {
		delete(c.entries, old)
	}
	c.ring[c.next] = k
	c.next = (c.next + 1) % len(c.ring)
	c.entries[k] = v
}

func (c *boundedCache[V]) get(k [32]byte) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	return v, ok
}

// take returns and forgets the entry of k.
func (c *boundedCache[V]) take(k [32]byte) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[k]
	if ok {
		delete(c.entries, k)
	}
	return v, ok
}

func (c *boundedCache[V]) forget(k [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
}
