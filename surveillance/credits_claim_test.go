package surveillance_test

import (
	"strings"
	"testing"

	"github.com/clearchain/clearchain/surveillance"
)

// claimEvent is the green-credit contract's claim action exactly as the
// chain emits it (contracts-wasm/contracts/green-credit/src/contract.rs,
// fn claim; the app test TestGreenCredit_ClaimTwiceSecondRefused reads the
// same attributes off a real block).
func (c *chain) claimEvent(cert, batch, claimant, first, last string) {
	c.gcEvent("action", "claim", "certificate_id", cert, "batch_id", batch, "claimant", claimant,
		"first_serial", first, "last_serial", last)
}

// TestCredits_ClaimEventOfTheContractIsReadAsClaimed: the contract's
// `action=claim` event is read as a "claimed" credit event (certificate id
// = the retirement, claimant = From). The first claim on a certificate
// raises nothing; a second claimed event for the same certificate (what a
// registry without the contract's once-only check, e.g. another version
// or contract, would emit) raises DetCreditDoubleClaim naming both
// claimants, the first claim's height and the certificate's serials; a
// claim on another certificate raises nothing. Before the mapping, the
// engine ignored action=claim: no alert.
func TestCredits_ClaimEventOfTheContractIsReadAsClaimed(t *testing.T) {
	p := surveillance.DefaultParams()
	p.AccountEntities = map[string]uint64{"alice": 100, "bob": 101}
	c := newChain(t, p)
	c.gcEvent("action", "issue", "batch_id", "1", "issuer", "iss", "denom", "asset/clear1gc/gc1", "first_serial", "1000", "last_serial", "1099", "recipient", "alice")
	c.end()
	c.gcEvent("action", "retire", "certificate_id", "1", "batch_id", "1", "retired_by", "alice", "first_serial", "1000", "last_serial", "1029")
	c.gcEvent("action", "retire", "certificate_id", "2", "batch_id", "1", "retired_by", "alice", "first_serial", "1030", "last_serial", "1039")
	c.end()
	c.claimEvent("1", "1", "alice", "1000", "1029")
	c.end()
	c.claimEvent("2", "1", "alice", "1030", "1039")
	c.end()
	c.none(surveillance.DetCreditDoubleClaim)
	c.idle(3)
	c.claimEvent("1", "1", "bob", "1000", "1029")
	c.end()
	a := c.only(surveillance.DetCreditDoubleClaim)
	if a.FirstHeight != 3 || a.Height != 8 || strings.Join(a.Accounts, ",") != "alice,bob" ||
		strings.Join(a.Serials, ",") != "clear1gc:1000-1029" || strings.Join(uint64s(a.Entities), ",") != "100,101" {
		t.Fatalf("double claim: %+v", a)
	}
	if !strings.Contains(a.Evidence, `retirement "1"`) {
		t.Fatalf("evidence %q does not name the certificate", a.Evidence)
	}
	c.none(surveillance.DetCreditAfterRetire, surveillance.DetCreditDoubleIssue, surveillance.DetCreditCircularFlow)
}

// TestCredits_ClaimWithoutACertificateIsIgnored: a wasm event with
// action=claim but no certificate_id (another contract's claim, e.g.
// data-asset's) is not a credit claim and can never pair with another.
func TestCredits_ClaimWithoutACertificateIsIgnored(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 2; i++ {
		c.gcEvent("action", "claim", "batch_id", "1", "claimant", "alice")
		c.gcEvent("action", "claim", "dataset_id", "1", "claimant", "alice")
		c.end()
	}
	c.none(surveillance.DetCreditDoubleClaim)
}
