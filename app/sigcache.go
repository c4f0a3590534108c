package app

import (
	"bytes"
	"crypto/sha256"
	"sync/atomic"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// sigCacheSize bounds the verified-signature cache: about a mempool's
// worth of txs (entries are ~150 bytes per signer).
const sigCacheSize = 50_000

// SigCache remembers the txs whose signatures CheckTx verified, so that
// delivering the same bytes in a block does not verify them a second time.
//
// A signature's validity is a pure function of the sign bytes, the public
// key and the signature. The sign bytes (SIGN_MODE_DIRECT) are the tx's
// body and auth info — both inside the tx bytes, which the key hashes —
// plus the chain id and each signer's account number. An entry is used
// only if every signer's account still has the same account number and
// the same public key as when CheckTx verified it, and the chain id is the
// same; then verifying again would give the same answer. Everything else
// the SDK's SigVerificationDecorator checks (sequence, unordered nonce,
// signer count) still runs at delivery: only the curve arithmetic is
// skipped. So a block's outcome and gas are the same whether or not this
// node saw its txs in its mempool (txs it did not see are verified).
type SigCache struct {
	boundedCache[sigCacheEntry]

	hits, misses atomic.Uint64
	disabled     atomic.Bool
}

type sigCacheEntry struct {
	chainID string
	signers []verifiedSigner
}

type verifiedSigner struct {
	accNum uint64
	pubKey []byte
}

// NewSigCache returns an empty cache of at most sigCacheSize txs.
func NewSigCache() *SigCache {
	return &SigCache{boundedCache: newBoundedCache[sigCacheEntry](sigCacheSize)}
}

// Stats returns how many delivered txs skipped verification (hits) and
// how many were verified (misses).
func (c *SigCache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// SetEnabled turns the cache on or off (on by default); off, every
// delivered tx is verified again, as without the cache.
func (c *SigCache) SetEnabled(on bool) { c.disabled.Store(!on) }

// CachedSigVerificationDecorator is the SDK's SigVerificationDecorator
// with the cache: in CheckTx it verifies and records the tx; when the tx
// is delivered it runs the decorator with signature verification off if
// the record still holds (see SigCache).
type CachedSigVerificationDecorator struct {
	inner ante.SigVerificationDecorator
	ak    ante.AccountKeeper
	cache *SigCache
}

// NewCachedSigVerificationDecorator wraps inner; cache nil disables it.
func NewCachedSigVerificationDecorator(inner ante.SigVerificationDecorator, ak ante.AccountKeeper, cache *SigCache) CachedSigVerificationDecorator {
	return CachedSigVerificationDecorator{inner: inner, ak: ak, cache: cache}
}

// signersNow returns each signer's account number and public key in ctx,
// false if an account or key is missing. It reads on a gas meter of its
// own: the tx's gas must not depend on whether this node checked the tx
// (gas used is in the block's results hash; a node replaying blocks after
// a restart has an empty cache).
func (d CachedSigVerificationDecorator) signersNow(ctx sdk.Context, tx sdk.Tx) ([]verifiedSigner, bool) {
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	sigTx, ok := tx.(authsigning.Tx)
	if !ok {
		return nil, false
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return nil, false
	}
	out := make([]verifiedSigner, len(signers))
	for i, s := range signers {
		acc := d.ak.GetAccount(ctx, s)
		if acc == nil {
			return nil, false
		}
		pk := acc.GetPubKey()
		if pk == nil {
			return nil, false
		}
		out[i] = verifiedSigner{accNum: acc.GetAccountNumber(), pubKey: pubKeyBytes(pk)}
	}
	return out, true
}

func pubKeyBytes(pk cryptotypes.PubKey) []byte {
	return append([]byte(pk.Type()+"/"), pk.Bytes()...)
}

func sameSigners(a, b []verifiedSigner) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].accNum != b[i].accNum || !bytes.Equal(a[i].pubKey, b[i].pubKey) {
			return false
		}
	}
	return true
}

// AnteHandle implements sdk.AnteDecorator.
func (d CachedSigVerificationDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if d.cache == nil || d.cache.disabled.Load() || simulate || !ctx.IsSigverifyTx() || len(ctx.TxBytes()) == 0 || ctx.BlockHeight() == 0 {
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	}
	key := sha256.Sum256(ctx.TxBytes())
	switch {
	case ctx.IsReCheckTx():
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	case ctx.IsCheckTx():
		// Verify; record once the signatures passed (the wrapped next runs
		// only then), and drop the record if a later decorator refuses.
		return d.inner.AnteHandle(ctx, tx, simulate, func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
			if signers, ok := d.signersNow(ctx, tx); ok {
				d.cache.put(key, sigCacheEntry{chainID: ctx.ChainID(), signers: signers}, true)
			}
			newCtx, err := next(ctx, tx, simulate)
			if err != nil {
				d.cache.forget(key)
			}
			return newCtx, err
		})
	default: // delivery (FinalizeBlock)
		e, ok := d.cache.take(key)
		if ok && e.chainID == ctx.ChainID() {
			if now, ok2 := d.signersNow(ctx, tx); ok2 && sameSigners(e.signers, now) {
				d.cache.hits.Add(1)
				return d.inner.AnteHandle(ctx.WithIsSigverifyTx(false), tx, simulate,
					func(c sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
						return next(c.WithIsSigverifyTx(true), tx, simulate)
					})
			}
		}
		d.cache.misses.Add(1)
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	}
}
