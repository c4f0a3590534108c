// Package appdb opens the application's state database (the key-value
// store under IAVL, data/application.db) on Pebble with options sized for
// a node of the venue, instead of cosmos-db's, which are Pebble's bare
// defaults: an 8 MB block cache and no bloom filters.
//
// Why (docs/benchmarks.md, "Node throughput, stop 24: the application
// database"): under bench-e2e's load the node spent ~14% of its CPU
// decompressing sstable blocks that an 8 MB cache had just evicted — half
// of it for keys that are not there at all (x/compliance's IsFrozen asks
// for every sender and recipient of every tx, and almost nobody is frozen;
// without a filter Pebble reads a block of every level to learn that) —
// and ~21% compacting the small memtable's many flushes. With the cache,
// the filters and larger memtables below, the node's CPU per committed
// order fell by about half in alternated runs.
//
// Nothing here changes what is stored: the on-disk format is Pebble's
// (the same format version cosmos-db opens), filters and cache are read
// aids, so a data directory written by either opener is read by the other
// (TestOpenedByCosmosDBAndBack). The database behaves exactly as
// cosmos-db's Pebble backend — same errors for empty keys and nil values,
// same iterator bounds, same copies of keys and values — which
// TestBehavesAsCosmosDB checks against cosmos-db's in-memory database
// with random operations.
package appdb

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"

	dbm "github.com/cosmos/cosmos-db"
)

// Options are the Pebble settings of the application database.
type Options struct {
	// CacheBytes is the block cache (decompressed sstable blocks).
	CacheBytes int64
	// MemTableBytes is the size of one memtable (writes buffered before a
	// flush to level 0).
	MemTableBytes uint64
	// BloomBitsPerKey is the bloom filter of every level's tables: a Get
	// of an absent key reads no data block of a table whose filter says
	// no (10 bits: ~1% false positives).
	BloomBitsPerKey int
	// L0CompactionThreshold is how many level-0 files start a compaction.
	L0CompactionThreshold int
	// LBaseMaxBytes is the target size of the first level below level 0.
	LBaseMaxBytes int64
}

// DefaultOptions are the node's: 512 MiB of cache (a 2-core, 24 GiB
// machine runs the node with a few GiB), 64 MiB memtables, 10-bit bloom
// filters, compactions from 8 level-0 files into a 256 MiB base level.
func DefaultOptions() Options {
	return Options{
		CacheBytes:            512 << 20,
		MemTableBytes:         64 << 20,
		BloomBitsPerKey:       10,
		L0CompactionThreshold: 8,
		LBaseMaxBytes:         256 << 20,
	}
}

// Name is the application database's name in the data directory
// (application.db), as the SDK's start command names it.
const Name = "application"

// OpenApplicationDB is the start command's DBOpener: the application
// database in rootDir/data with DefaultOptions when the backend is
// pebbledb (app.toml app-db-backend), cosmos-db's own opener otherwise.
func OpenApplicationDB(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
	dir := filepath.Join(rootDir, "data")
	if backend != dbm.PebbleDBBackend {
		return dbm.NewDB(Name, backend, dir)
	}
	return Open(Name, dir, DefaultOptions())
}

// Open opens (or creates) dir/name.db with opts.
func Open(name, dir string, opts Options) (*DB, error) {
	cache := pebble.NewCache(opts.CacheBytes)
	defer cache.Unref() // the open DB holds its own reference
	o := &pebble.Options{
		Cache:                    cache,
		MemTableSize:             opts.MemTableBytes,
		L0CompactionThreshold:    opts.L0CompactionThreshold,
		LBaseMaxBytes:            opts.LBaseMaxBytes,
		MaxConcurrentCompactions: func() int { return 3 }, // as cosmos-db
		Logger:                   quietLogger{},
	}
	o.EnsureDefaults()
	if opts.BloomBitsPerKey > 0 {
		for i := range o.Levels {
			o.Levels[i].FilterPolicy = bloom.FilterPolicy(opts.BloomBitsPerKey)
			o.Levels[i].FilterType = pebble.TableFilter
		}
	}
	p, err := pebble.Open(filepath.Join(dir, name+".db"), o)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Join(dir, name+".db"), err)
	}
	return &DB{db: p}, nil
}

// quietLogger drops Pebble's info lines (flushes, compactions) and keeps
// its fatal errors, as cosmos-db does.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any)           {}
func (quietLogger) Fatalf(format string, a ...any) { pebble.DefaultLogger.Fatalf(format, a...) }

// The errors of cosmos-db's backends, with their texts.
var (
	errKeyEmpty    = errors.New("key cannot be empty")
	errValueNil    = errors.New("value cannot be nil")
	errBatchClosed = errors.New("batch has been written or closed")
)

// DB is a cosmos-db database on one Pebble instance.
type DB struct {
	db     *pebble.DB
	closed sync.Once
	err    error
}

var _ dbm.DB = (*DB)(nil)

// cp copies bz; an empty value stays non-nil (nil means absent).
func cp(bz []byte) []byte {
	out := make([]byte, len(bz))
	copy(out, bz)
	return out
}

// Get returns a copy of key's value, nil if absent.
func (d *DB) Get(key []byte) ([]byte, error) {
	if len(key) == 0 {
		return nil, errKeyEmpty
	}
	v, closer, err := d.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return cp(v), nil
}

// Has reports whether key is present.
func (d *DB) Has(key []byte) (bool, error) {
	if len(key) == 0 {
		return false, errKeyEmpty
	}
	_, closer, err := d.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, closer.Close()
}

func checkSet(key, value []byte) error {
	if len(key) == 0 {
		return errKeyEmpty
	}
	if value == nil {
		return errValueNil
	}
	return nil
}

// Set writes key (no fsync, as cosmos-db: IAVL commits through batches).
func (d *DB) Set(key, value []byte) error {
	if err := checkSet(key, value); err != nil {
		return err
	}
	return d.db.Set(key, value, pebble.NoSync)
}

// SetSync writes key and syncs the WAL.
func (d *DB) SetSync(key, value []byte) error {
	if err := checkSet(key, value); err != nil {
		return err
	}
	return d.db.Set(key, value, pebble.Sync)
}

// Delete removes key.
func (d *DB) Delete(key []byte) error {
	if len(key) == 0 {
		return errKeyEmpty
	}
	return d.db.Delete(key, pebble.NoSync)
}

// DeleteSync removes key and syncs the WAL.
func (d *DB) DeleteSync(key []byte) error {
	if len(key) == 0 {
		return errKeyEmpty
	}
	return d.db.Delete(key, pebble.Sync)
}

// Close closes the database once: Pebble panics on a second close, and the
// SDK's start command closes the application (and so this database) twice
// on a clean stop.
func (d *DB) Close() error {
	d.closed.Do(func() { d.err = d.db.Close() })
	return d.err
}

// Print writes every key and value, as cosmos-db's backends.
func (d *DB) Print() error {
	it, err := d.Iterator(nil, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		fmt.Printf("[%X]:\t[%X]\n", it.Key(), it.Value())
	}
	return nil
}

// Stats returns Pebble's metrics report under "pebble.metrics".
func (d *DB) Stats() map[string]string {
	return map[string]string{"pebble.metrics": d.db.Metrics().String()}
}

// Metrics are Pebble's counters (cache hits, compactions, levels).
func (d *DB) Metrics() *pebble.Metrics { return d.db.Metrics() }

// NewBatch starts a write batch.
func (d *DB) NewBatch() dbm.Batch { return &batch{b: d.db.NewBatch()} }

// NewBatchWithSize starts a write batch (Pebble sizes batches itself).
func (d *DB) NewBatchWithSize(int) dbm.Batch { return d.NewBatch() }

// Iterator iterates [start, end) in ascending order; nil is unbounded.
func (d *DB) Iterator(start, end []byte) (dbm.Iterator, error) {
	return d.iterator(start, end, false)
}

// ReverseIterator iterates [start, end) in descending order.
func (d *DB) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	return d.iterator(start, end, true)
}

func (d *DB) iterator(start, end []byte, reverse bool) (dbm.Iterator, error) {
	if (start != nil && len(start) == 0) || (end != nil && len(end) == 0) {
		return nil, errKeyEmpty
	}
	src, err := d.db.NewIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return nil, err
	}
	if reverse {
		src.Last()
	} else {
		src.First()
	}
	return &iterator{src: src, start: start, end: end, reverse: reverse}, nil
}

type batch struct{ b *pebble.Batch }

func (b *batch) Set(key, value []byte) error {
	if err := checkSet(key, value); err != nil {
		return err
	}
	if b.b == nil {
		return errBatchClosed
	}
	return b.b.Set(key, value, nil)
}

func (b *batch) Delete(key []byte) error {
	if len(key) == 0 {
		return errKeyEmpty
	}
	if b.b == nil {
		return errBatchClosed
	}
	return b.b.Delete(key, nil)
}

func (b *batch) commit(o *pebble.WriteOptions) error {
	if b.b == nil {
		return errBatchClosed
	}
	if err := b.b.Commit(o); err != nil {
		return err
	}
	return b.Close() // a written batch cannot be used again
}

func (b *batch) Write() error     { return b.commit(pebble.NoSync) }
func (b *batch) WriteSync() error { return b.commit(pebble.Sync) }

func (b *batch) Close() error {
	if b.b == nil {
		return nil
	}
	err := b.b.Close()
	b.b = nil
	return err
}

func (b *batch) GetByteSize() (int, error) {
	if b.b == nil {
		return 0, errBatchClosed
	}
	return b.b.Len(), nil
}

type iterator struct {
	src        *pebble.Iterator
	start, end []byte
	reverse    bool
	invalid    bool
}

func (it *iterator) Domain() ([]byte, []byte) { return it.start, it.end }

func (it *iterator) Valid() bool {
	if it.invalid {
		return false
	}
	if it.src.Error() != nil || !it.src.Valid() {
		it.invalid = true
		return false
	}
	k := it.src.Key()
	if it.reverse && it.start != nil && bytes.Compare(k, it.start) < 0 ||
		!it.reverse && it.end != nil && bytes.Compare(it.end, k) <= 0 {
		it.invalid = true
		return false
	}
	return true
}

func (it *iterator) mustBeValid() {
	if !it.Valid() {
		panic("iterator is invalid")
	}
}

func (it *iterator) Key() []byte {
	it.mustBeValid()
	return cp(it.src.Key())
}

func (it *iterator) Value() []byte {
	it.mustBeValid()
	return cp(it.src.Value())
}

func (it *iterator) Next() {
	it.mustBeValid()
	if it.reverse {
		it.src.Prev()
	} else {
		it.src.Next()
	}
}

func (it *iterator) Error() error { return it.src.Error() }
func (it *iterator) Close() error { return it.src.Close() }
