package envcli

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/contracts-wasm/envelope"
)

var runs int

// run executes the command with args (each run on its own deterministic
// randomness) and returns its output words.
func run(t *testing.T, args ...string) ([]string, error) {
	t.Helper()
	runs++
	cmd := newCommand("envelope", shaReader(fmt.Sprintf("envcli-test-%d", runs)))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return strings.Fields(out.String()), err
}

// The buyer makes keys, the provider seals a dataset key to the public key,
// the buyer opens it (the private key read from a file); anyone else's key
// fails to open it.
func TestEnvelopeCommand_KeygenSealOpen(t *testing.T) {
	keys, err := run(t, "keygen")
	require.NoError(t, err)
	require.Len(t, keys, 2)
	pub, priv := keys[0], keys[1]

	datasetKey := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	sealed, err := run(t, "seal", pub, datasetKey)
	require.NoError(t, err)
	require.Len(t, sealed, 2)
	env, err := base64.StdEncoding.DecodeString(sealed[0])
	require.NoError(t, err)
	sum := sha256.Sum256(env)
	require.Equal(t, sealed[1], envelopeHash(sum[:]), "the printed hash is the contract's")

	privFile := filepath.Join(t.TempDir(), "buyer.priv")
	require.NoError(t, os.WriteFile(privFile, []byte(priv+"\n"), 0o600))
	opened, err := run(t, "open", pub, "@"+privFile, sealed[0])
	require.NoError(t, err)
	require.Equal(t, []string{datasetKey}, opened)

	other, err := run(t, "keygen")
	require.NoError(t, err)
	_, err = run(t, "open", other[0], other[1], sealed[0])
	require.True(t, errors.Is(err, envelope.ErrCannotOpen), "%v", err)
	_, err = run(t, "open", pub, other[1], sealed[0])
	require.Error(t, err)

	_, err = run(t, "seal", "not-a-key", datasetKey)
	require.ErrorContains(t, err, "PUBKEY is not a base64 32-byte key")
	help, err := run(t, "--help")
	require.NoError(t, err)
	require.Contains(t, strings.Join(help, " "), "keygen")
}

func envelopeHash(sum []byte) string {
	const hexd = "0123456789abcdef"
	out := make([]byte, 0, 2*len(sum))
	for _, b := range sum {
		out = append(out, hexd[b>>4], hexd[b&15])
	}
	return string(out)
}

// shaReader is a deterministic byte stream (SHA-256 chain) for test keys.
type shaReaderT struct {
	state [32]byte
	buf   []byte
}

func shaReader(seed string) *shaReaderT { return &shaReaderT{state: sha256.Sum256([]byte(seed))} }

func (s *shaReaderT) Read(p []byte) (int, error) {
	for i := range p {
		if len(s.buf) == 0 {
			s.state = sha256.Sum256(s.state[:])
			s.buf = append(s.buf[:0], s.state[:]...)
		}
		p[i], s.buf = s.buf[0], s.buf[1:]
	}
	return len(p), nil
}
