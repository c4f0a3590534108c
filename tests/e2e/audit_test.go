package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// TestGenesisValidateRefusesTamperedAudit: `cleard genesis validate` accepts
// a genesis whose compliance audit trail is an intact hash chain and refuses
// it, naming the sequence, once one record's details are rewritten.
func TestGenesisValidateRefusesTamperedAudit(t *testing.T) {
	needBinary(t)
	home := filepath.Join(t.TempDir(), "home")
	mustCleard(t, "init", "n0", "--home", home, "--chain-id", "e2e-audit-1")
	genesis := filepath.Join(home, "config", "genesis.json")

	// A trail of three chained records, as the keeper writes them, in the
	// genesis JSON shape (uint64 as strings, bytes as base64).
	const actor = "clear1qyqszqgpqyqszqgpqyqszqgpqyqszqgp3nuleq"
	var records []compliancetypes.AuditRecord
	prev := compliancetypes.ZeroAuditHash
	for i, action := range []string{"register_entity", "grant_licence", "freeze"} {
		r := compliancetypes.AuditRecord{
			Sequence: uint64(i + 1), Height: int64(10 + i), Time: time.Date(2026, 3, 1, 12, 0, i, 0, time.UTC),
			Actor: actor, Action: action, Subject: "entity/1", Details: `reason="onboarding"`, PrevHash: prev,
		}
		r.Hash = compliancetypes.AuditRecordHash(r)
		prev = r.Hash
		records = append(records, r)
	}
	write := func(records []compliancetypes.AuditRecord) {
		bz, err := os.ReadFile(genesis)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(bz, &doc); err != nil {
			t.Fatal(err)
		}
		compliance := doc["app_state"].(map[string]any)["compliance"].(map[string]any)
		var audit []any
		for _, r := range records {
			audit = append(audit, map[string]any{
				"sequence": strconv.FormatUint(r.Sequence, 10), "height": strconv.FormatInt(r.Height, 10),
				"time": r.Time.Format(time.RFC3339Nano), "actor": r.Actor, "action": r.Action,
				"subject": r.Subject, "details": r.Details,
				"prev_hash": base64.StdEncoding.EncodeToString(r.PrevHash), "hash": base64.StdEncoding.EncodeToString(r.Hash),
			})
		}
		compliance["audit"] = audit
		compliance["next_audit_sequence"] = strconv.Itoa(len(records) + 1)
		if bz, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(genesis, bz, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(records)
	mustCleard(t, "genesis", "validate", "--home", home)

	records[1].Details = `reason="never happened"`
	write(records)
	r := cleard(t, 60*time.Second, "genesis", "validate", "--home", home)
	if r.code == 0 {
		t.Fatalf("a tampered audit trail was accepted:\n%s", r)
	}
	if !strings.Contains(r.String(), "audit chain broken at sequence 2") {
		t.Fatalf("the error does not name sequence 2:\n%s", r)
	}
}
