package txdecode_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The decoder uses SDK and wasmd types and codecs only: no keeper, no app
// and no ClearChain package but surveillance.
func TestNoKeeperOrAppImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		own := strings.HasPrefix(dep, "github.com/clearchain/clearchain/")
		if own && dep != "github.com/clearchain/clearchain/surveillance" && dep != "github.com/clearchain/clearchain/surveillance/txdecode" ||
			strings.Contains(dep, "/keeper") {
			t.Errorf("txdecode depends on %s", dep)
		}
	}
}
