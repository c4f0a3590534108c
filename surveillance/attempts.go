package surveillance

import (
	"fmt"
	"strings"
)

// detectAttempts raises green-credit alerts on the block's refused txs:
// what the chain refused but a reviewer wants to see attempted.
//   - a refused `issue` of a green-credit contract whose serials overlap a
//     range the contract already issued (seen in its issue events) →
//     credit_double_issuance;
//   - a refused contract `transfer` or bank MsgSend of a green-credit batch
//     denom by an account that retired credits of that batch →
//     credit_transfer_after_retirement;
//   - a refused `claim` of a certificate already claimed → credit_double_claim.
//
// Other refusals (an order without funds, a transfer by an account that
// never retired, an issue of fresh serials by an unlicensed issuer) raise
// nothing. The refused txs are read after the block's events, so an issue
// earlier in the same block counts as already issued.
func (e *Engine) detectAttempts(b *block) []Alert {
	var out []Alert
	for i := range b.refused {
		t := &b.refused[i]
		for _, m := range t.Msgs {
			signer := m.From
			if len(m.Signers) > 0 {
				signer = m.Signers[0]
			} else if signer == "" && len(t.Signers) > 0 {
				signer = t.Signers[0]
			}
			var a Alert
			switch {
			case m.TypeURL == TypeURLExecuteContract && m.Action == "issue":
				a = e.attemptedIssue(t, &m, signer)
			case m.TypeURL == TypeURLExecuteContract && m.Action == "transfer",
				m.TypeURL == TypeURLBankSend:
				a = e.attemptedMove(t, &m, signer)
			case m.TypeURL == TypeURLExecuteContract && m.Action == "claim":
				a = e.attemptedClaim(t, &m, signer)
			}
			if a.Detector == "" {
				continue
			}
			a.Height = b.height
			a.Refused = t.ref(signer)
			a.Evidence += fmt.Sprintf(" — an attempt refused by the chain: tx %s (height %d, index %d) signed by %s failed with code %d (%s): %s",
				t.Hash, t.Height, t.Index, signer, t.Code, t.Codespace, a.Refused.Log)
			for _, acct := range a.Accounts {
				if ent := e.accounts[acct]; ent != 0 {
					a.Entities = append(a.Entities, ent)
				}
			}
			out = append(out, a)
		}
	}
	return out
}

func (e *Engine) attemptedIssue(t *RefusedTx, m *RefusedMsg, signer string) Alert {
	c := e.credits.byContract[m.Contract]
	if c == nil || m.MWh == 0 || m.FirstSerial > ^uint64(0)-m.MWh+1 {
		return Alert{}
	}
	first, last := m.FirstSerial, m.FirstSerial+m.MWh-1
	for _, s := range c.issued {
		if !s.overlaps(first, last) {
			continue
		}
		// The accounts are the attempt's (issuer, recipient): the holder of
		// the batch it overlaps took no part, and is named in the evidence.
		return Alert{Detector: DetCreditDoubleIssue, FirstHeight: s.height, Accounts: []string{signer, m.Recipient},
			Serials: []string{serialStr(m.Contract, s.start, s.end), serialStr(m.Contract, first, last)},
			Evidence: fmt.Sprintf("%s tried to issue serials %d-%d of contract %s at height %d, overlapping serials %d-%d already issued in batch %q to %s at height %d",
				signer, first, last, m.Contract, t.Height, s.start, s.end, s.batch, s.owner, s.height),
			Score: 1000}
	}
	return Alert{}
}

// batchOf is the contract and batch of a green-credit denom: from the issue
// events seen, else (a batch issued before the engine started) the bundled
// contract's denom shape asset/<contract>/gc<batch id> for a contract seen.
func (e *Engine) batchOf(denom string) (batchRef, bool) {
	if r, ok := e.credits.denoms[denom]; ok {
		return r, true
	}
	rest, ok := strings.CutPrefix(denom, "asset/")
	if !ok {
		return batchRef{}, false
	}
	contract, sym, ok := strings.Cut(rest, "/")
	id, isGC := strings.CutPrefix(sym, "gc")
	if !ok || !isGC || id == "" || e.credits.byContract[contract] == nil {
		return batchRef{}, false
	}
	return batchRef{contract: contract, batch: id}, true
}

func (e *Engine) attemptedMove(t *RefusedTx, m *RefusedMsg, signer string) Alert {
	if signer == "" {
		return Alert{}
	}
	to := m.To
	if to == "" {
		to = m.Recipient
	}
	for _, co := range m.Coins {
		ref, ok := e.batchOf(co.Denom)
		if !ok {
			continue
		}
		c := e.credits.byContract[ref.contract]
		if c == nil {
			continue
		}
		for _, s := range c.retired {
			if s.batch != ref.batch || s.owner != signer {
				continue
			}
			how := "a transfer through the contract"
			if m.TypeURL == TypeURLBankSend {
				how = "a bank send"
			}
			return Alert{Detector: DetCreditAfterRetire, FirstHeight: s.height, Accounts: []string{signer, to},
				Serials: []string{serialStr(ref.contract, s.start, s.end)},
				Evidence: fmt.Sprintf("%s tried to move %s %s (batch %q of contract %s) to %s by %s at height %d after retiring serials %d-%d of that batch (retirement %q at height %d)",
					signer, co.Amount, co.Denom, ref.batch, ref.contract, to, how, t.Height, s.start, s.end, s.id, s.height),
				Score: 1000}
		}
	}
	return Alert{}
}

func (e *Engine) attemptedClaim(t *RefusedTx, m *RefusedMsg, signer string) Alert {
	if m.Certificate == "" {
		return Alert{}
	}
	first, ok := e.credits.claims[m.Contract+"|"+m.Certificate]
	if !ok {
		return Alert{}
	}
	a := Alert{Detector: DetCreditDoubleClaim, FirstHeight: first.height, Accounts: []string{first.claimant, signer},
		Evidence: fmt.Sprintf("%s tried to claim retirement %q of contract %s at height %d, already claimed by %s at height %d",
			signer, m.Certificate, m.Contract, t.Height, first.claimant, first.height),
		Score: 1000}
	if c := e.credits.byContract[m.Contract]; c != nil {
		for _, s := range c.retired {
			if s.id == m.Certificate {
				a.Serials = append(a.Serials, serialStr(m.Contract, s.start, s.end))
			}
		}
	}
	return a
}
