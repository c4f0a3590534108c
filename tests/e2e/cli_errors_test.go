package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCLIErrors runs every major command with bad arguments or a bad home
// and checks that it fails: exit code not 0, a clear message on stderr, no
// Go panic or stack, and the home directory left exactly as it was.
func TestCLIErrors(t *testing.T) {
	needBinary(t)
	base := t.TempDir()
	const chainID = "e2e-errors-1"

	// A home initialised as an operator would: init, a key, a funded
	// genesis account.
	home := filepath.Join(base, "home")
	mustCleard(t, "init", "n0", "--home", home, "--chain-id", chainID)
	mustCleard(t, "keys", "add", "k", "--home", home, "--keyring-backend", "test")
	addr := strings.TrimSpace(mustCleard(t, "keys", "show", "k", "-a", "--home", home, "--keyring-backend", "test"))
	mustCleard(t, "genesis", "add-genesis-account", addr, "1000000000uclear", "--home", home)
	// A home with a genesis but no keys.
	noKeys := filepath.Join(base, "nokeys")
	mustCleard(t, "init", "n1", "--home", noKeys, "--chain-id", chainID)
	// An empty directory, and one that does not exist.
	empty := filepath.Join(base, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(base, "missing")
	// A directory that init-files wrote, for --force.
	const noNode = "tcp://127.0.0.1:1" // nothing listens on port 1

	cases := []struct {
		name string
		home string // the tree that must not change
		args []string
		want string // in stderr
	}{
		{"init with a bad chain-id", missing,
			[]string{"init", "n", "--home", missing, "--chain-id", "bad chain id!"}, "--chain-id"},
		{"init with a too long chain-id", missing,
			[]string{"init", "n", "--home", missing, "--chain-id", strings.Repeat("c", 51)}, "--chain-id"},
		{"init on an existing home without --overwrite", home,
			[]string{"init", "n", "--home", home, "--chain-id", chainID}, "already exists"},
		{"init without a moniker", missing,
			[]string{"init", "--home", missing}, "arg"},
		{"start with a home that has no config or genesis", empty,
			[]string{"start", "--home", empty}, "not an initialized node home"},
		{"start with a home that does not exist", missing,
			[]string{"start", "--home", missing}, "not an initialized node home"},
		{"keys add without a name", home,
			[]string{"keys", "add", "--home", home, "--keyring-backend", "test"}, "arg"},
		{"add-genesis-account with a bad address", home,
			[]string{"genesis", "add-genesis-account", "notanaddress", "1uclear", "--home", home}, "notanaddress"},
		{"add-genesis-account with bad coins", home,
			[]string{"genesis", "add-genesis-account", addr, "100notcoins!", "--home", home}, "coins"},
		{"add-genesis-account on an empty home", empty,
			[]string{"genesis", "add-genesis-account", addr, "1uclear", "--home", empty}, "not an initialized node home"},
		{"gentx without keys", noKeys,
			[]string{"genesis", "gentx", "val", "100uclear", "--home", noKeys, "--chain-id", chainID, "--keyring-backend", "test"}, "key not found"},
		{"gentx on an empty home", empty,
			[]string{"genesis", "gentx", "val", "100uclear", "--home", empty, "--chain-id", chainID, "--keyring-backend", "test"}, "not an initialized node home"},
		{"collect-gentxs on an empty home", empty,
			[]string{"genesis", "collect-gentxs", "--home", empty}, "not an initialized node home"},
		{"tx bank send to a bad address", home,
			[]string{"tx", "bank", "send", "k", "badaddr", "1uclear", "--home", home, "--keyring-backend", "test",
				"--chain-id", chainID, "--node", noNode, "--yes"}, "bech32"},
		{"tx bank send with no node", home,
			[]string{"tx", "bank", "send", "k", addr, "1uclear", "--home", home, "--keyring-backend", "test",
				"--chain-id", chainID, "--node", noNode, "--yes"}, "connection refused"},
		{"tx bank send from an unknown key", home,
			[]string{"tx", "bank", "send", "nokey", addr, "1uclear", "--home", home, "--keyring-backend", "test",
				"--chain-id", chainID, "--node", noNode, "--yes"}, "not found"},
		{"query bank balance of a bad address", home,
			[]string{"query", "bank", "balance", "badaddr", "uclear", "--home", home, "--node", noNode}, "bech32"},
		{"query bank balance with no node", home,
			[]string{"query", "bank", "balance", addr, "uclear", "--home", home, "--node", noNode}, "connection refused"},
		{"genesis set-regulator with a bad address", home,
			[]string{"genesis", "set-regulator", "clear1notanaddress", "--home", home, "--keyring-backend", "test"}, "clear1notanaddress"},
		{"genesis set-regulator with an unknown key", home,
			[]string{"genesis", "set-regulator", "nokey", "--home", home, "--keyring-backend", "test"}, "nokey"},
		{"genesis set-regulator on an empty home", empty,
			[]string{"genesis", "set-regulator", addr, "--home", empty, "--keyring-backend", "test"}, "genesis"},
		{"genesis grant-licence to an unknown key", home,
			[]string{"genesis", "grant-licence", "nokey", "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--entity-name", "V SA",
				"--jurisdiction", "LU", "--home", home, "--keyring-backend", "test"}, "nokey"},
		{"genesis grant-licence with an unknown role", home,
			[]string{"genesis", "grant-licence", addr, "validator", "--lei", "5299000E2EVALIDATOR1", "--entity-name", "V SA",
				"--jurisdiction", "LU", "--home", home}, "unknown role"},
		{"genesis grant-licence without --lei", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--home", home}, "lei"},
		{"genesis grant-licence with a malformed LEI", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "short", "--entity-name", "V SA",
				"--jurisdiction", "LU", "--home", home}, "--lei"},
		{"genesis grant-licence for a new entity without a name", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--home", home}, "--entity-name"},
		{"genesis grant-licence with a bad jurisdiction", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--entity-name", "V SA",
				"--jurisdiction", "XX", "--home", home}, "jurisdiction"},
		{"genesis grant-licence with a bad expiry", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--entity-name", "V SA",
				"--jurisdiction", "LU", "--expires", "tomorrow", "--home", home}, "--expires"},
		{"genesis grant-licence with an expiry in the past", home,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--entity-name", "V SA",
				"--jurisdiction", "LU", "--expires", "2001-01-01T00:00:00Z", "--home", home}, "genesis time"},
		{"genesis grant-licence on an empty home", empty,
			[]string{"genesis", "grant-licence", addr, "validator-operator", "--lei", "5299000E2EVALIDATOR1", "--home", empty}, "not an initialized node home"},
		{"export with an empty home", empty,
			[]string{"export", "--home", empty}, "not an initialized node home"},
		{"rollback with an empty home", empty,
			[]string{"rollback", "--home", empty}, "not an initialized node home"},
		{"testnet init-files with 0 validators", missing,
			[]string{"testnet", "init-files", "--validators", "0", "--output-dir", missing}, "--validators"},
		{"testnet init-files with a non-numeric count", missing,
			[]string{"testnet", "init-files", "--validators", "abc", "--output-dir", missing}, "--validators"},
		{"testnet init-files with a privileged base port", missing,
			[]string{"testnet", "init-files", "--base-port", "80", "--output-dir", missing}, "--base-port"},
		{"testnet init-files with ports past 65535", missing,
			[]string{"testnet", "init-files", "--base-port", "65530", "--output-dir", missing}, "65535"},
		{"testnet init-files with a bad chain-id", missing,
			[]string{"testnet", "init-files", "--chain-id", "a b", "--output-dir", missing}, "--chain-id"},
		{"testnet init-files with a zero commit timeout", missing,
			[]string{"testnet", "init-files", "--commit-timeout", "0s", "--output-dir", missing}, "--commit-timeout"},
		{"testnet init-files with the memory keyring", missing,
			[]string{"testnet", "init-files", "--keyring-backend", "memory", "--output-dir", missing}, "--keyring-backend"},
		{"testnet init-files into a non-empty directory", home,
			[]string{"testnet", "init-files", "--output-dir", home}, "not empty"},
		{"testnet init-files --force on a directory it did not write", home,
			[]string{"testnet", "init-files", "--output-dir", home, "--force"}, "refusing"},
		{"testnet init-files into an unwritable directory", missing,
			[]string{"testnet", "init-files", "--output-dir", "/proc/clearchain-e2e/net"}, "output directory"},
		{"testnet init-files with an argument", missing,
			[]string{"testnet", "init-files", "extra", "--output-dir", missing}, "unknown command"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := treeHash(t, tc.home)
			r := cleard(t, 60*time.Second, tc.args...)
			if r.code == 0 {
				t.Fatalf("exit code 0, want a failure\n%s", r)
			}
			if strings.TrimSpace(r.stderr) == "" {
				t.Fatalf("nothing on stderr\n%s", r)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not say %q\n%s", tc.want, r)
			}
			for _, bad := range []string{"goroutine ", "panic:"} {
				if strings.Contains(r.stdout+r.stderr, bad) {
					t.Errorf("output has a Go panic/stack (%q)\n%s", bad, r)
				}
			}
			if d := diffTrees(before, treeHash(t, tc.home)); len(d) > 0 {
				t.Errorf("%s changed: %v", tc.home, d)
			}
			t.Logf("exit %d: %s", r.code, firstLine(r.stderr))
		})
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestSetRegulator: `cleard genesis set-regulator` writes the compliance
// authority into genesis, by key name or address, and the genesis stays valid.
func TestSetRegulator(t *testing.T) {
	needBinary(t)
	home := filepath.Join(t.TempDir(), "home")
	mustCleard(t, "init", "n0", "--home", home, "--chain-id", "e2e-regulator-1")
	mustCleard(t, "keys", "add", "reg", "--home", home, "--keyring-backend", "test")
	addr := strings.TrimSpace(mustCleard(t, "keys", "show", "reg", "-a", "--home", home, "--keyring-backend", "test"))
	genesis := filepath.Join(home, "config", "genesis.json")
	authority := func() string {
		bz, err := os.ReadFile(genesis)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			AppState struct {
				Compliance struct {
					Params struct {
						Authority string `json:"authority"`
					} `json:"params"`
				} `json:"compliance"`
			} `json:"app_state"`
		}
		if err := json.Unmarshal(bz, &g); err != nil {
			t.Fatal(err)
		}
		return g.AppState.Compliance.Params.Authority
	}
	if got := authority(); got == addr {
		t.Fatalf("the default genesis already names %s", addr)
	}
	mustCleard(t, "genesis", "set-regulator", "reg", "--home", home, "--keyring-backend", "test")
	if got := authority(); got != addr {
		t.Fatalf("by key name: authority %q, want %q", got, addr)
	}
	other := "clear1qyqszqgpqyqszqgpqyqszqgpqyqszqgp3nuleq" // 20 bytes of 0x01
	mustCleard(t, "genesis", "set-regulator", other, "--home", home)
	if got := authority(); got != other {
		t.Fatalf("by address: authority %q, want %q", got, other)
	}
	mustCleard(t, "genesis", "validate", "--home", home)
}
