package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis is the empty register with the default params.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextEntityId: 1, NextAuditSequence: 1}
}

// Validate checks the genesis without the store: unique entities and LEIs,
// known parents, licences for known entities, valid addresses, roles and
// jurisdictions, unique rules, and an intact audit hash chain whose head is
// next_audit_sequence-1.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	entities := make(map[uint64]Entity, len(gs.Entities))
	leis := make(map[string]bool, len(gs.Entities))
	for _, e := range gs.Entities {
		if err := ValidateEntity(e); err != nil {
			return fmt.Errorf("entity %d: %w", e.Id, err)
		}
		if _, dup := entities[e.Id]; dup {
			return fmt.Errorf("duplicate entity %d", e.Id)
		}
		if leis[e.Lei] {
			return fmt.Errorf("duplicate lei %s", e.Lei)
		}
		if e.Id >= gs.NextEntityId {
			return fmt.Errorf("entity %d not below next_entity_id %d", e.Id, gs.NextEntityId)
		}
		entities[e.Id] = e
		leis[e.Lei] = true
	}
	for _, e := range gs.Entities {
		if e.ParentId != 0 {
			if _, ok := entities[e.ParentId]; !ok {
				return fmt.Errorf("entity %d: unknown parent %d", e.Id, e.ParentId)
			}
		}
	}
	// Parent chains must end: walk at most len(entities) steps.
	for _, e := range gs.Entities {
		cur, steps := e, 0
		for cur.ParentId != 0 {
			if steps++; steps > len(entities) {
				return fmt.Errorf("entity %d: parent cycle", e.Id)
			}
			cur = entities[cur.ParentId]
		}
	}
	seen := make(map[string]bool, len(gs.Licences))
	for _, l := range gs.Licences {
		if _, err := sdk.AccAddressFromBech32(l.Address); err != nil {
			return fmt.Errorf("licence %q: %w", l.Address, err)
		}
		if seen[l.Address] {
			return fmt.Errorf("duplicate licence %s", l.Address)
		}
		seen[l.Address] = true
		if _, ok := entities[l.EntityId]; !ok {
			return fmt.Errorf("licence %s: unknown entity %d", l.Address, l.EntityId)
		}
		if len(l.Roles) == 0 {
			return fmt.Errorf("licence %s: no roles", l.Address)
		}
		if _, err := NormalizeRoles(l.Roles); err != nil {
			return fmt.Errorf("licence %s: %w", l.Address, err)
		}
	}
	frozen := make(map[string]bool, len(gs.Freezes))
	for _, f := range gs.Freezes {
		if _, err := sdk.AccAddressFromBech32(f.Address); err != nil {
			return fmt.Errorf("freeze %q: %w", f.Address, err)
		}
		if frozen[f.Address] {
			return fmt.Errorf("duplicate freeze %s", f.Address)
		}
		frozen[f.Address] = true
		if err := ValidateReason(f.Reason); err != nil {
			return fmt.Errorf("freeze %s: %w", f.Address, err)
		}
	}
	subjects := make(map[string]bool, len(gs.Rules))
	for _, r := range gs.Rules {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("rule %q: %w", r.Subject, err)
		}
		if subjects[r.Subject] {
			return fmt.Errorf("duplicate rule %s", r.Subject)
		}
		subjects[r.Subject] = true
	}
	if err := gs.VerifyAudit(); err != nil {
		return err
	}
	return nil
}

// AuditHeadSequence is the sequence of the newest audit record the genesis
// says exists: next_audit_sequence-1 (0 when there is none).
func (gs GenesisState) AuditHeadSequence() uint64 {
	return max(gs.NextAuditSequence, 1) - 1
}

// VerifyAudit checks the audit trail is the whole hash chain, in order,
// from sequence 1 to next_audit_sequence-1; the error names the first bad
// sequence (an *AuditChainError).
func (gs GenesisState) VerifyAudit() error {
	v := NewAuditChainVerifier()
	for _, a := range gs.Audit {
		if err := v.Next(a); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	_, h := v.Head()
	if err := v.CheckHead(gs.AuditHeadSequence(), h); err != nil {
		return fmt.Errorf("audit (next_audit_sequence %d): %w", gs.NextAuditSequence, err)
	}
	return nil
}
