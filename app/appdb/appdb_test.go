package appdb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	dbm "github.com/cosmos/cosmos-db"
)

// small keeps the tests' cache and memtables small; the behaviour does not
// depend on the sizes.
func small() Options {
	o := DefaultOptions()
	o.CacheBytes, o.MemTableBytes = 1<<20, 1<<20
	return o
}

// TestBehavesAsCosmosDB runs the same random operations — sets (empty
// values included), deletes, batches, gets, has, forward and reverse
// iterators with random, nil, empty and inverted bounds, and the bad
// inputs (empty keys, nil values, a written batch reused) — on this
// database and on cosmos-db's own Pebble backend, and requires the same
// answer and the same error text for every one of them.
func TestBehavesAsCosmosDB(t *testing.T) {
	ours, err := Open("ours", t.TempDir(), small())
	require.NoError(t, err)
	defer ours.Close()
	theirs, err := dbm.NewDB("theirs", dbm.PebbleDBBackend, t.TempDir())
	require.NoError(t, err)
	defer theirs.Close()

	rng := rand.New(rand.NewPCG(7, 24))
	key := func() []byte {
		if rng.IntN(50) == 0 {
			return []byte{} // empty: refused
		}
		alphabet := []byte{0x00, 0x01, 0x7f, 0xff}
		k := make([]byte, 1+rng.IntN(3))
		for i := range k {
			k[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return k
	}
	value := func() []byte {
		switch rng.IntN(20) {
		case 0:
			return nil // refused
		case 1:
			return []byte{} // empty, present
		}
		return []byte(fmt.Sprintf("v%d", rng.IntN(1000)))
	}
	bound := func() []byte {
		if rng.IntN(3) == 0 {
			return nil
		}
		return key()
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	dump := func(it dbm.Iterator, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		defer it.Close()
		var b bytes.Buffer
		s, e := it.Domain()
		fmt.Fprintf(&b, "[%x,%x)", s, e)
		for ; it.Valid(); it.Next() {
			fmt.Fprintf(&b, " %x=%q", it.Key(), it.Value())
		}
		fmt.Fprintf(&b, " err=%v", it.Error())
		return b.String()
	}
	var sets, iters int
	for i := 0; i < 4000; i++ {
		switch op := rng.IntN(8); op {
		case 0, 1:
			k, v := key(), value()
			require.Equal(t, errText(theirs.Set(k, v)), errText(ours.Set(k, v)), "Set(%x, %q)", k, v)
			sets++
		case 2:
			k := key()
			require.Equal(t, errText(theirs.Delete(k)), errText(ours.Delete(k)), "Delete(%x)", k)
		case 3:
			bt, bo := theirs.NewBatch(), ours.NewBatch()
			for j := rng.IntN(6); j >= 0; j-- {
				k, v := key(), value()
				if rng.IntN(3) == 0 {
					require.Equal(t, errText(bt.Delete(k)), errText(bo.Delete(k)))
				} else {
					require.Equal(t, errText(bt.Set(k, v)), errText(bo.Set(k, v)))
				}
			}
			st, errT := bt.GetByteSize()
			so, errO := bo.GetByteSize()
			require.Equal(t, st, so)
			require.Equal(t, errText(errT), errText(errO))
			require.Equal(t, errText(bt.Write()), errText(bo.Write()))
			// A written batch is closed: its use is refused alike.
			require.Equal(t, errText(bt.Set([]byte{1}, []byte{1})), errText(bo.Set([]byte{1}, []byte{1})))
			_, errT = bt.GetByteSize()
			_, errO = bo.GetByteSize()
			require.Equal(t, errText(errT), errText(errO))
			require.Equal(t, errText(bt.Close()), errText(bo.Close()))
		case 4:
			k := key()
			vt, errT := theirs.Get(k)
			vo, errO := ours.Get(k)
			require.Equal(t, errText(errT), errText(errO), "Get(%x)", k)
			require.Equal(t, vt, vo, "Get(%x)", k)
			ht, errT := theirs.Has(k)
			ho, errO := ours.Has(k)
			require.Equal(t, errText(errT), errText(errO), "Has(%x)", k)
			require.Equal(t, ht, ho, "Has(%x)", k)
		default:
			s, e := bound(), bound()
			if op == 7 {
				require.Equal(t, dump(theirs.ReverseIterator(s, e)), dump(ours.ReverseIterator(s, e)), "ReverseIterator(%x, %x)", s, e)
			} else {
				require.Equal(t, dump(theirs.Iterator(s, e)), dump(ours.Iterator(s, e)), "Iterator(%x, %x)", s, e)
			}
			iters++
		}
	}
	require.Equal(t, dump(theirs.Iterator(nil, nil)), dump(ours.Iterator(nil, nil)))
	t.Logf("%d sets, %d iterators compared", sets, iters)
}

// TestOpenedByCosmosDBAndBack: a data directory written by this opener is
// read, whole, by cosmos-db's Pebble backend, and one written by cosmos-db
// is read by this opener — the options change no byte on disk that the
// other cannot read, so a node can switch openers either way (and the
// SDK's export, rollback and snapshot commands, which open the database
// with cosmos-db, read it).
func TestOpenedByCosmosDBAndBack(t *testing.T) {
	dir := t.TempDir()
	ours, err := Open(Name, dir, small())
	require.NoError(t, err)
	want := map[string]string{}
	b := ours.NewBatch()
	for i := 0; i < 20000; i++ { // more than one memtable: tables on disk, with filters
		k, v := fmt.Sprintf("k%06d", i), fmt.Sprintf("value %d", i)
		require.NoError(t, b.Set([]byte(k), []byte(v)))
		want[k] = v
	}
	require.NoError(t, b.Write())
	require.NoError(t, ours.Close())

	theirs, err := dbm.NewDB(Name, dbm.PebbleDBBackend, dir)
	require.NoError(t, err)
	got := 0
	it, err := theirs.Iterator(nil, nil)
	require.NoError(t, err)
	for ; it.Valid(); it.Next() {
		require.Equal(t, want[string(it.Key())], string(it.Value()))
		got++
	}
	require.NoError(t, it.Close())
	require.Equal(t, len(want), got)
	require.NoError(t, theirs.Set([]byte("written-by-cosmos-db"), []byte("x")))
	require.NoError(t, theirs.Close())

	reopened, err := Open(Name, dir, small())
	require.NoError(t, err)
	defer reopened.Close()
	v, err := reopened.Get([]byte("written-by-cosmos-db"))
	require.NoError(t, err)
	require.Equal(t, []byte("x"), v)
	v, err = reopened.Get([]byte("k019999"))
	require.NoError(t, err)
	require.Equal(t, []byte("value 19999"), v)
}

// TestOpenApplicationDBUsesTheDataDirectory: the start command's opener
// opens rootDir/data/application.db with this package on pebbledb, and
// hands other backends to cosmos-db.
func TestOpenApplicationDBUsesTheDataDirectory(t *testing.T) {
	root := t.TempDir()
	db, err := OpenApplicationDB(root, dbm.PebbleDBBackend)
	require.NoError(t, err)
	require.IsType(t, &DB{}, db)
	require.NoError(t, db.Set([]byte("a"), []byte("b")))
	require.NoError(t, db.Close())
	require.DirExists(t, root+"/data/application.db")

	mem, err := OpenApplicationDB(root, dbm.MemDBBackend)
	require.NoError(t, err)
	require.IsType(t, &dbm.MemDB{}, mem)
}

// TestAbsentKeysSkipTablesByFilter is the reason for the filters: a
// lookup of a key that is not there (IsFrozen, for every account of every
// tx) in a table whose key range covers it must read the table's data
// block unless a bloom filter says the key is absent. With the filters,
// (almost) every such lookup is answered by the filter; without, none is.
func TestAbsentKeysSkipTablesByFilter(t *testing.T) {
	filterHits := func(opts Options) int64 {
		db, err := Open(Name, t.TempDir(), opts)
		require.NoError(t, err)
		defer db.Close()
		for i := 0; i < 5; i++ { // five flushed tables
			b := db.NewBatch()
			for j := 0; j < 2000; j++ {
				require.NoError(t, b.Set([]byte(fmt.Sprintf("present/%d/%05d", i, j)), bytes.Repeat([]byte{'v'}, 64)))
			}
			require.NoError(t, b.Write())
			require.NoError(t, db.db.Flush())
		}
		before := db.Metrics().Filter.Hits
		for j := 0; j < 1000; j++ {
			has, err := db.Has([]byte(fmt.Sprintf("present/%d/%05dx", j%5, j))) // absent, inside a table's range
			require.NoError(t, err)
			require.False(t, has)
		}
		return db.Metrics().Filter.Hits - before
	}
	noFilter := small()
	noFilter.BloomBitsPerKey = 0
	without, with := filterHits(noFilter), filterHits(small())
	t.Logf("lookups of 1,000 absent keys answered by a filter: %d without filters, %d with", without, with)
	require.Zero(t, without)
	require.Greater(t, with, int64(950), "with filters almost every absent lookup skips the table's data block")
}

// TestCloseTwice: a second Close returns the first's answer instead of
// Pebble's panic (the SDK's start closes the app twice on SIGTERM).
func TestCloseTwice(t *testing.T) {
	db, err := Open(Name, t.TempDir(), small())
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.NotPanics(t, func() { require.NoError(t, db.Close()) })
}
