// Package envcli is the command line of package envelope: `cleard envelope`
// and the clear-envelope alias make buyer keys, seal dataset keys to them
// and open the envelopes the data-asset contract stores. Keys and envelopes
// are base64, as the contract's JSON carries them. It only reads and writes
// its arguments and standard streams: no chain access.
package envcli

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/contracts-wasm/envelope"
)

// NewCommand returns the envelope command named use, with its keygen, seal
// and open subcommands. Randomness comes from crypto/rand.
func NewCommand(use string) *cobra.Command {
	return newCommand(use, rand.Reader)
}

func newCommand(use string, rnd io.Reader) *cobra.Command {
	root := &cobra.Command{
		Use:   use,
		Short: "Seal and open data-asset dataset keys (NaCl sealed boxes to X25519 keys)",
		Long: `The client side of the data-asset contract's key delivery. The buyer makes an
X25519 key pair and registers the public key with buy_licence; the provider seals
the dataset key to it and posts the envelope with deliver_key; the buyer opens it.
The key never appears in clear on chain: only the buyer's private key opens it.

  keygen                        print a new key pair: public, then private (base64)
  seal PUBKEY KEY               seal KEY (base64) to PUBKEY: print the envelope (base64)
                                and its SHA-256 (hex, as the contract records it)
  open PUBKEY PRIVKEY ENVELOPE  print the key (base64), or fail with anyone else's key

PRIVKEY may be given as @FILE to read it from a file instead of the command line.`,
		Example: `  ` + use + ` keygen > buyer.keys
  ` + use + ` seal "$(head -1 buyer.keys)" "$(head -c 32 /dev/urandom | base64)"
  ` + use + ` open "$(head -1 buyer.keys)" @buyer.priv "$ENVELOPE"`,
		SilenceUsage: true,
	}
	root.AddCommand(&cobra.Command{
		Use: "keygen", Short: "Print a new X25519 key pair: public and private key, base64, one a line", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pub, priv, err := envelope.NewKeyPair(rnd)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(pub[:]))
			fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(priv[:]))
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use: "seal PUBKEY KEY", Short: "Seal KEY (base64) to PUBKEY; print the envelope (base64) and its SHA-256 hex", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			pub, err := key32("PUBKEY", a[0])
			if err != nil {
				return err
			}
			k, err := base64.StdEncoding.DecodeString(a[1])
			if err != nil {
				return fmt.Errorf("envelope: KEY is not base64: %w", err)
			}
			env, err := envelope.Seal(pub, k, rnd)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(env))
			fmt.Fprintln(cmd.OutOrStdout(), envelope.Hash(env))
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use: "open PUBKEY PRIVKEY ENVELOPE", Short: "Open an envelope with the buyer's key pair; print the key (base64)", Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, a []string) error {
			pub, err := key32("PUBKEY", a[0])
			if err != nil {
				return err
			}
			privArg := a[1]
			if strings.HasPrefix(privArg, "@") {
				bz, err := os.ReadFile(privArg[1:])
				if err != nil {
					return fmt.Errorf("envelope: PRIVKEY: %w", err)
				}
				privArg = strings.TrimSpace(string(bz))
			}
			priv, err := key32("PRIVKEY", privArg)
			if err != nil {
				return err
			}
			env, err := base64.StdEncoding.DecodeString(a[2])
			if err != nil {
				return fmt.Errorf("envelope: ENVELOPE is not base64: %w", err)
			}
			k, err := envelope.Open(env, pub, priv)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), base64.StdEncoding.EncodeToString(k))
			return nil
		},
	})
	return root
}

func key32(what, s string) (*[32]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("envelope: %s is not a base64 32-byte key", what)
	}
	var k [32]byte
	copy(k[:], b)
	return &k, nil
}
