// Package envelope seals and opens the dataset keys of the data-asset
// contract, off chain, on the client: the buyer makes an X25519 key pair
// and registers the public key with its licence; the provider seals the
// dataset key to it with a NaCl sealed box (golang.org/x/crypto/nacl/box:
// an ephemeral sender key per envelope, so the envelope names no sender);
// only the buyer's private key opens it. The chain stores the envelope and
// its SHA-256, never the key. This package must not be imported by chain
// code: sealing uses randomness.
package envelope

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"

	"golang.org/x/crypto/nacl/box"
)

// Overhead is how many bytes an envelope adds to the key it seals.
const Overhead = box.AnonymousOverhead

// ErrCannotOpen is returned for an envelope that the key pair cannot open:
// sealed to another key, or altered.
var ErrCannotOpen = errors.New("envelope: cannot be opened with this key")

// NewKeyPair makes a buyer's X25519 key pair from rand (crypto/rand.Reader
// outside tests).
func NewKeyPair(rand io.Reader) (pub, priv *[32]byte, err error) {
	return box.GenerateKey(rand)
}

// Seal seals key to the buyer's public key.
func Seal(buyerPub *[32]byte, key []byte, rand io.Reader) ([]byte, error) {
	return box.SealAnonymous(nil, key, buyerPub, rand)
}

// Open opens an envelope with the buyer's key pair.
func Open(envelope []byte, pub, priv *[32]byte) ([]byte, error) {
	key, ok := box.OpenAnonymous(nil, envelope, pub, priv)
	if !ok {
		return nil, ErrCannotOpen
	}
	return key, nil
}

// Hash is the lower-case hex SHA-256 of an envelope, as the contract
// records it.
func Hash(envelope []byte) string {
	sum := sha256.Sum256(envelope)
	return hex.EncodeToString(sum[:])
}
