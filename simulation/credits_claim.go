package simulation

import (
	"encoding/json"
	"strconv"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// KindCreditDoubleClaimer (credit_double_claimer) claims one retirement
// twice: the "two claims on one retirement" abuse of green credits.
//
// Its accounts (count, default 2) are independent entities. An episode:
//   - phase 0: the first account issues itself a batch of 2 × size credits;
//   - phase 1: it retires all of them, naming the second account's address
//     as beneficiary (so the contract lets both claim the certificate);
//   - phase 2: it claims the certificate (accepted: the contract's
//     `action=claim` event);
//   - phase 3: plain, the second account (another entity) claims it again;
//     evasion, the first account claims it again 3 to 6 blocks later.
//
// The contract refuses the second claim (already claimed by …): a refusal
// (`tx wasm: …`), never a second `claim` event. The episode's ground truth
// is the certificate's serial range ("contract:first-last", which the
// double-claim detector names as the alert's serials) and the certificate
// id (Certificate), so a detector of refused claims can be scored.
const KindCreditDoubleClaimer = "credit_double_claimer"

// gcClaim is the contract's claim action.
func gcClaim(c *chain, from *account, certificate uint64, statement string) sdk.Msg {
	return gcExec(c, from, map[string]any{"claim": map[string]any{"certificate": strconv.FormatUint(certificate, 10),
		"statement": statement}})
}

// gcRetireFor retires n credits of denom for beneficiary.
func gcRetireFor(c *chain, from *account, denom string, n uint64, beneficiary string) sdk.Msg {
	return gcExec(c, from, map[string]any{"retire": map[string]any{"beneficiary": beneficiary, "reason": "scope 2"}},
		sdk.NewCoin(denom, sdkmath.NewIntFromUint64(n)))
}

// certificateOf asks the contract (committed state) which certificate
// retired serial s: its id, ok false while s is outstanding or unknown.
func (c *chain) certificateOf(s uint64) (uint64, bool) {
	q, _ := json.Marshal(map[string]any{"serial": map[string]any{"serial": strconv.FormatUint(s, 10)}})
	addr, err := sdk.AccAddressFromBech32(c.greenCredit)
	if err != nil {
		return 0, false
	}
	bz, err := c.app.WasmKeeper.QuerySmart(c.queryCtx(), addr, q)
	if err != nil {
		return 0, false
	}
	var r struct {
		CertificateID *uint64 `json:"certificate_id"`
	}
	if json.Unmarshal(bz, &r) != nil || r.CertificateID == nil {
		return 0, false
	}
	return *r.CertificateID, true
}

// creditDoubleClaim runs one episode of a credit_double_claimer.
func (a *agent) creditDoubleClaim(v *view, c *chain) ([]txEpisode, bool) {
	if c.greenCredit == "" {
		return nil, true
	}
	first, second := a.accounts[0], a.accounts[1%len(a.accounts)]
	if a.spec.Evasion {
		second = first
	}
	switch {
	case a.phase == 0:
		mwh := 2 * a.size()
		s := c.newSerials(mwh)
		a.gcBatch = serialRange{first: s, last: s + mwh - 1}
		a.cur.Certificate = ""
		return a.one(first, gcIssue(c, first, first, s, mwh)), false
	case a.phase == 1:
		if a.gcBatch.denom = c.denomOf(a.gcBatch.first); a.gcBatch.denom == "" {
			return nil, true // the issue was refused: no episode to finish
		}
		return a.one(first, gcRetireFor(c, first, a.gcBatch.denom, a.gcBatch.last-a.gcBatch.first+1, second.bech)), false
	case a.phase == 2:
		id, ok := c.certificateOf(a.gcBatch.first)
		if !ok {
			return nil, true
		}
		a.cur.Serials = append(a.cur.Serials, a.gcBatch.String(c.greenCredit))
		a.cur.Certificate = strconv.FormatUint(id, 10)
		return a.one(first, gcClaim(c, first, id, "Sim Utility "+first.name+": scope 2, certificate "+a.cur.Certificate)), false
	}
	cert, _ := strconv.ParseUint(a.cur.Certificate, 10, 64)
	// The second claim: at once (plain), or 3-6 blocks later by the same
	// account (evasion). a.rng draws the delay once, at phase 3.
	if a.spec.Evasion {
		if a.phase == 3 {
			a.gcHop = 3 + a.rng.IntN(4)
		}
		if a.phase < 3+a.gcHop {
			return nil, false
		}
	}
	return a.one(second, gcClaim(c, second, cert, "Sim Utility "+second.name+": scope 2, certificate "+a.cur.Certificate)), true
}
