package app

import (
	"crypto/sha256"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// decodedCacheSize bounds the decoded-tx cache: CometBFT's default mempool
// size (5,000 txs), the most txs a recheck goes through.
const decodedCacheSize = 5_000

// DecodedTxCache keeps the decoded form of the txs that passed CheckTx, so
// that the mempool's recheck after every block (ReCheckTx on each waiting
// tx) does not decode them again: decoding was ~27% of a recheck's CPU
// (BenchmarkReCheckTx, docs/benchmarks.md). A decoded tx is a pure function
// of its bytes (the key is their SHA-256), and a recheck only reads it: the
// ante handler checks it and no message runs in CheckTx mode. Delivery
// (FinalizeBlock) always decodes the block's bytes itself; a delivered tx's
// entry is dropped by the ante handler (AnteOptions.DecodedTxs), a tx
// refused on recheck loses its entry, and at most decodedCacheSize entries
// are kept (the oldest goes first).
type DecodedTxCache struct {
	boundedCache[sdk.Tx]

	hits, misses atomic.Uint64
}

// NewDecodedTxCache returns an empty cache.
func NewDecodedTxCache() *DecodedTxCache {
	return &DecodedTxCache{boundedCache: newBoundedCache[sdk.Tx](decodedCacheSize)}
}

// Stats returns how many rechecks used a cached decoded tx (hits) and how
// many decoded (misses).
func (c *DecodedTxCache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// forgetBytes drops the entry of tx bytes bz (a delivered tx).
func (c *DecodedTxCache) forgetBytes(bz []byte) {
	if c == nil || len(bz) == 0 {
		return
	}
	c.forget(sha256.Sum256(bz))
}

// CheckTxHandler is BaseApp's CheckTx with the cache: a new tx is decoded
// and, once it passed, remembered; a recheck runs the remembered tx (or
// decodes it if it is not there). The responses are the SDK's, except that
// every event of a CheckTx response is marked for indexing (CometBFT's
// indexer reads only FinalizeBlock's results).
func (c *DecodedTxCache) CheckTxHandler(decode sdk.TxDecoder) sdk.CheckTxHandler {
	return func(runTx sdk.RunTx, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
		key := sha256.Sum256(req.Tx)
		var tx sdk.Tx
		switch req.Type {
		case abci.CheckTxType_Recheck:
			if tx, _ = c.get(key); tx != nil {
				c.hits.Add(1)
			} else {
				c.misses.Add(1)
			}
		default:
			if decoded, err := decode(req.Tx); err == nil {
				tx = decoded
			} // else RunTx decodes again and answers the SDK's decode error
		}
		gInfo, result, anteEvents, err := runTx(req.Tx, tx)
		if err != nil {
			c.forget(key)
			return sdkerrors.ResponseCheckTxWithEvents(err, gInfo.GasWanted, gInfo.GasUsed, anteEvents, false), nil
		}
		if tx != nil && req.Type != abci.CheckTxType_Recheck {
			c.put(key, tx, false)
		}
		return &abci.ResponseCheckTx{
			GasWanted: int64(gInfo.GasWanted),
			GasUsed:   int64(gInfo.GasUsed),
			Log:       result.Log,
			Data:      result.Data,
			Events:    sdk.MarkEventsToIndex(result.Events, nil),
		}, nil
	}
}
