package envelope_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/clearchain/clearchain/contracts-wasm/envelope"
)

func TestSealOpen_OnlyTheBuyerOpens(t *testing.T) {
	pub, priv, err := envelope.NewKeyPair(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	env, err := envelope.Seal(pub, key, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if len(env) != len(key)+envelope.Overhead || bytes.Contains(env, key) {
		t.Fatalf("envelope of %d bytes leaks or has the wrong size", len(env))
	}
	got, err := envelope.Open(env, pub, priv)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("buyer cannot open: %v", err)
	}
	opub, opriv, _ := envelope.NewKeyPair(rand.Reader)
	if _, err := envelope.Open(env, opub, opriv); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("another key opened it: %v", err)
	}
	env[len(env)-1] ^= 1
	if _, err := envelope.Open(env, pub, priv); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("an altered envelope opened: %v", err)
	}
}

func ExampleSeal() {
	pub, priv, _ := envelope.NewKeyPair(rand.Reader)
	env, _ := envelope.Seal(pub, []byte("dataset key"), rand.Reader)
	key, _ := envelope.Open(env, pub, priv)
	println(string(key), envelope.Hash(env))
}
