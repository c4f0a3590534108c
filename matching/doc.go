// Package matching is ClearChain's price-time priority matching engine.
//
// It is a pure Go library: it imports only the standard library and must
// never import a Cosmos SDK, CometBFT or CosmWasm package (a test enforces
// this). x/exchange drives it once per block. It uses no floats, no clocks,
// no goroutines, no randomness and never iterates a Go map, so the same
// commands always give the same events and the same book on every node.
//
// # Model
//
// One Book per market; the engine has no globals. Prices are integer ticks
// (Price) and quantities integer lots (Qty): the keeper converts tick and lot
// sizes, the engine works in raw units. Orders carry caller-assigned ids
// (OrderID), an owner (OwnerID) and a legal entity (EntityID) for self-trade
// prevention.
//
// Input is a batch of flat Command values; output is a stream of flat Event
// values appended to a caller-owned buffer (Book.Apply). Once the buffer, the
// order pool and the id index have capacity, Apply does not allocate.
//
// Supported: limit GTC, good-til-block (GTB) and good-til-time (GTT), IOC,
// FOK, post-only, market with a worst price, stop-limit and stop-market held
// in a trigger book (Book.OnReferencePrice), cancel, modify (a quantity
// decrease at the same price keeps priority; anything else is cancel and
// replace), mass cancel by owner and side, self-trade prevention per taker
// (STPMode), continuous matching and call auctions (Book.RunAuction, one
// uniform clearing price), and a price band for continuous matching
// (Book.SetBand: takers fill only inside it, the rest is cancelled with
// ReasonBand).
//
// # Bounded work
//
// For a caller that bounds its work per block: Book.ExpireUpToN and
// Book.OnReferencePriceN do at most a given number of expiries or triggers,
// in the order of the unbounded calls, and say whether they finished; the
// rest waits for the next call. A due order ExpireUpToN left in the book
// never trades: a taker that meets it expires it (EvExpired) and goes on,
// and a FOK check skips it. Book.OwnerCount gives an owner's live orders in
// O(1) (the owner index keeps each list's length), for per-owner caps.
//
// # Funds
//
// The engine holds no funds and knows no balances. The keeper locks funds
// when it sends an order, and settles or releases them from the events: a
// fill moves Qty at Price between taker and maker and carries both orders'
// limit prices (Limit, MakerLimit), so the keeper can release what it locked
// at them without an order index of its own; EvCancelled and EvExpired
// release the Qty they report at the event's Price (a cancel-and-replace
// reports the old terms as cancelled and the new ones as accepted).
//
// # Persistence
//
// x/exchange stores the book one key per price level. DirtyLevels lists the
// levels (resting and trigger book) changed since the last Checkpoint;
// LevelOrders reads a level's orders in FIFO order; Meta holds the few other
// values a restart needs. A node restores a book with NewBook, LoadOrder for
// each level's orders in FIFO order, SetMeta and Checkpoint, after which it
// behaves exactly like a node that never stopped.
//
// # Implementation
//
// Orders live in a slab ([]order) addressed by int32 with a free list; each
// price level is an intrusive doubly-linked FIFO list through the slab. The
// active levels of each side are a sorted array with the best price at the
// end (O(1) best price, binary search to find a level, cheap insertion and
// removal near the touch). Order ids map to slots through an open-addressing
// hash map written for this package (linear probing, backward-shift
// deletion, growth by doubling). GTB and GTT orders sit in two min-heaps
// keyed by (expiry, seq), so expiry costs O(log n) per expired order. See
// docs/adr/001-matching-engine.md.
//
// CheckInvariants is an O(n) self-check used by the tests and fuzzers after
// every command.
package matching
