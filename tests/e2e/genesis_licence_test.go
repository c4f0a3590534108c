package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const licenceBasePort = 27320 // 27320-27329: clear of crash_test, the demo and the localnets

// genesisCompliance is the part of app_state.compliance these tests read.
type genesisCompliance struct {
	Entities []struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Lei          string `json:"lei"`
		Jurisdiction string `json:"jurisdiction"`
	} `json:"entities"`
	Licences []struct {
		Address  string   `json:"address"`
		EntityID string   `json:"entity_id"`
		Roles    []string `json:"roles"`
	} `json:"licences"`
}

func readCompliance(t *testing.T, genesis string) genesisCompliance {
	t.Helper()
	bz, err := os.ReadFile(genesis)
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		AppState struct {
			Compliance genesisCompliance `json:"compliance"`
		} `json:"app_state"`
	}
	if err := json.Unmarshal(bz, &g); err != nil {
		t.Fatal(err)
	}
	return g.AppState.Compliance
}

// TestGrantLicenceGenesis: `cleard genesis grant-licence` licenses a key in
// genesis under a new entity, reuses the entity of a known LEI, refuses a
// second licence for the same account (leaving genesis unchanged), and the
// single-node flow grant-licence, gentx, collect-gentxs gives a valid genesis.
func TestGrantLicenceGenesis(t *testing.T) {
	needBinary(t)
	home := filepath.Join(t.TempDir(), "home")
	const chainID = "e2e-licence-1"
	kr := []string{"--home", home, "--keyring-backend", "test"}
	mustCleard(t, "init", "n0", "--home", home, "--chain-id", chainID)
	for _, k := range []string{"val", "ops"} {
		mustCleard(t, append([]string{"keys", "add", k}, kr...)...)
	}
	val := strings.TrimSpace(mustCleard(t, append([]string{"keys", "show", "val", "-a"}, kr...)...))
	ops := strings.TrimSpace(mustCleard(t, append([]string{"keys", "show", "ops", "-a"}, kr...)...))
	mustCleard(t, "genesis", "add-genesis-account", val, "1000000000uclear", "--home", home)
	genesis := filepath.Join(home, "config", "genesis.json")

	const lei = "5299000E2EVALIDATOR1"
	mustCleard(t, append([]string{"genesis", "grant-licence", "val", "validator-operator", "--lei", lei,
		"--entity-name", "Validator SA", "--jurisdiction", "LU"}, kr...)...)
	// Same LEI: the entity is reused, no name needed; by address.
	mustCleard(t, "genesis", "grant-licence", ops, "institution,market-maker", "--lei", lei, "--home", home)
	c := readCompliance(t, genesis)
	if len(c.Entities) != 1 || c.Entities[0].Lei != lei || c.Entities[0].Name != "Validator SA" || c.Entities[0].Jurisdiction != "LU" {
		t.Fatalf("entities: %+v", c.Entities)
	}
	if len(c.Licences) != 2 || c.Licences[0].Address != val || c.Licences[0].EntityID != c.Entities[0].ID ||
		strings.Join(c.Licences[0].Roles, ",") != "ROLE_VALIDATOR_OPERATOR" ||
		c.Licences[1].Address != ops || len(c.Licences[1].Roles) != 2 {
		t.Fatalf("licences: %+v", c.Licences)
	}

	before := treeHash(t, home)
	r := cleard(t, 60*time.Second, "genesis", "grant-licence", val, "issuer", "--lei", lei, "--home", home)
	if r.code == 0 || !strings.Contains(r.stderr, "already holds a licence") {
		t.Fatalf("a second licence for %s: %s", val, r)
	}
	if d := diffTrees(before, treeHash(t, home)); len(d) > 0 {
		t.Fatalf("a refused grant-licence changed the home: %v", d)
	}

	mustCleard(t, append([]string{"genesis", "gentx", "val", "500000000uclear", "--chain-id", chainID}, kr...)...)
	mustCleard(t, "genesis", "collect-gentxs", "--home", home)
	mustCleard(t, "genesis", "validate", "--home", home)
}

// TestUnlicensedGenesisValidatorRefused: `testnet init-files` licenses its
// validator (VALIDATOR_OPERATOR, own entity); with that licence removed from
// the genesis, `cleard start` refuses the chain at InitChain with an error
// that names the validator.
func TestUnlicensedGenesisValidatorRefused(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	net := filepath.Join(dir, "net")
	mustCleard(t, "testnet", "init-files", "--validators", "1", "--output-dir", net, "--chain-id", "e2e-licence-2",
		"--base-port", strconv.Itoa(licenceBasePort), "--commit-timeout", "300ms", "--enable-api=false")
	var m struct {
		Nodes []struct{ Address, Valoper, Home string }
	}
	bz, err := os.ReadFile(filepath.Join(net, "testnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bz, &m); err != nil || len(m.Nodes) != 1 {
		t.Fatalf("manifest: %v %s", err, bz)
	}
	node := m.Nodes[0]
	genesis := filepath.Join(node.Home, "config", "genesis.json")
	c := readCompliance(t, genesis)
	if len(c.Licences) != 1 || c.Licences[0].Address != node.Address || strings.Join(c.Licences[0].Roles, ",") != "ROLE_VALIDATOR_OPERATOR" {
		t.Fatalf("init-files did not license its validator %s: %+v", node.Address, c.Licences)
	}

	// Drop the licence.
	var g map[string]any
	if bz, err = os.ReadFile(genesis); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bz, &g); err != nil {
		t.Fatal(err)
	}
	g["app_state"].(map[string]any)["compliance"].(map[string]any)["licences"] = []any{}
	if bz, err = json.Marshal(g); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(genesis, bz, 0o600); err != nil {
		t.Fatal(err)
	}

	logFile := filepath.Join(dir, "node0.log")
	cmd := startNode(t, node.Home, logFile)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("cleard start ended with %v, want a non-zero exit", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("cleard start still runs with an unlicensed genesis validator")
	}
	out, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{node.Valoper, "VALIDATOR_OPERATOR"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the node's output does not say %q:\n%s", want, lastLines(string(out), 20))
		}
	}
	if strings.Contains(string(out), "goroutine ") {
		t.Errorf("the refusal is a Go panic:\n%s", lastLines(string(out), 20))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
