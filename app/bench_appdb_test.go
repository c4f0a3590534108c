package app

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/clearchain/clearchain/app/appdb"
)

// BenchmarkBlockAppDB is BenchmarkBlock's batch block (200 MsgBatch txs of
// 50 orders on a 100k-order book) on the two application databases a node
// can open: cosmos-db's Pebble backend (Pebble's defaults: 8 MB block
// cache, no bloom filters) and app/appdb's (cleard start's DBOpener).
// Compare with `benchstat -col /db`.
func BenchmarkBlockAppDB(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(dir string) (dbm.DB, error)
	}{
		{"cosmos-db", func(dir string) (dbm.DB, error) { return dbm.NewDB(appdb.Name, dbm.PebbleDBBackend, dir) }},
		{"appdb", func(dir string) (dbm.DB, error) { return appdb.Open(appdb.Name, dir, appdb.DefaultOptions()) }},
	} {
		b.Run("db="+db.name, func(b *testing.B) {
			d, err := db.open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			benchBlocks(b, newBenchChainOn(b, d), 200, 50)
		})
	}
}
