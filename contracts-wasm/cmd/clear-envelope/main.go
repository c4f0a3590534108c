// Command clear-envelope makes buyer keys and seals and opens the dataset
// keys of the data-asset contract (see package envelope). Keys and
// envelopes are base64, as the contract's JSON carries them.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/contracts-wasm/envelope"
)

func main() {
	root := &cobra.Command{
		Use:   "clear-envelope",
		Short: "Seal and open data-asset dataset keys (NaCl sealed boxes to X25519 keys)",
		Long: `clear-envelope is the client side of the data-asset contract's key delivery:
  keygen                      print a new X25519 key pair (public, private; base64)
  seal PUBKEY KEY             seal KEY (base64) to PUBKEY: print the envelope (base64) and its SHA-256
  open PUBKEY PRIVKEY ENV     open an envelope: print the key (base64), or fail`,
		SilenceUsage: true,
	}
	root.AddCommand(&cobra.Command{
		Use: "keygen", Short: "Print a new X25519 key pair: public and private key, base64, one a line", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			pub, priv, err := envelope.NewKeyPair(rand.Reader)
			if err != nil {
				return err
			}
			fmt.Println(base64.StdEncoding.EncodeToString(pub[:]))
			fmt.Println(base64.StdEncoding.EncodeToString(priv[:]))
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use: "seal PUBKEY KEY", Short: "Seal KEY to PUBKEY; print the envelope and its SHA-256 hex", Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, a []string) error {
			pub, err := key32(a[0])
			if err != nil {
				return err
			}
			k, err := base64.StdEncoding.DecodeString(a[1])
			if err != nil {
				return fmt.Errorf("clear-envelope: KEY: %w", err)
			}
			env, err := envelope.Seal(pub, k, rand.Reader)
			if err != nil {
				return err
			}
			fmt.Println(base64.StdEncoding.EncodeToString(env))
			fmt.Println(envelope.Hash(env))
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use: "open PUBKEY PRIVKEY ENVELOPE", Short: "Open an envelope; print the key", Args: cobra.ExactArgs(3),
		RunE: func(_ *cobra.Command, a []string) error {
			pub, err := key32(a[0])
			if err != nil {
				return err
			}
			priv, err := key32(a[1])
			if err != nil {
				return err
			}
			env, err := base64.StdEncoding.DecodeString(a[2])
			if err != nil {
				return fmt.Errorf("clear-envelope: ENVELOPE: %w", err)
			}
			k, err := envelope.Open(env, pub, priv)
			if err != nil {
				return err
			}
			fmt.Println(base64.StdEncoding.EncodeToString(k))
			return nil
		},
	})
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}

func key32(s string) (*[32]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("clear-envelope: %q is not a base64 32-byte key", s)
	}
	var k [32]byte
	copy(k[:], b)
	return &k, nil
}
