package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis has no assets.
func DefaultGenesis() *GenesisState { return &GenesisState{} }

// Validate checks each asset and that denoms are unique, and the share-move
// queues: one positive sequence per admin, and each queued move unique,
// positive and numbered at most its admin's sequence.
func (gs GenesisState) Validate() error {
	seen := make(map[string]bool, len(gs.Assets))
	for _, a := range gs.Assets {
		if err := a.Validate(); err != nil {
			return fmt.Errorf("asset %s: %w", a.Denom, err)
		}
		if seen[a.Denom] {
			return fmt.Errorf("duplicate asset %s", a.Denom)
		}
		seen[a.Denom] = true
	}
	seqs := make(map[string]uint64, len(gs.MoveSeqs))
	for _, s := range gs.MoveSeqs {
		if _, err := sdk.AccAddressFromBech32(s.Admin); err != nil {
			return fmt.Errorf("move sequence of %q: %w", s.Admin, err)
		}
		if _, dup := seqs[s.Admin]; dup {
			return fmt.Errorf("duplicate move sequence of %s", s.Admin)
		}
		if s.Seq == 0 {
			return fmt.Errorf("move sequence of %s is 0", s.Admin)
		}
		seqs[s.Admin] = s.Seq
	}
	type moveKey struct {
		admin string
		seq   uint64
	}
	moves := make(map[moveKey]bool, len(gs.Moves))
	for _, m := range gs.Moves {
		if _, err := sdk.AccAddressFromBech32(m.Admin); err != nil {
			return fmt.Errorf("share move of %q: %w", m.Admin, err)
		}
		if m.Seq == 0 || m.Seq > seqs[m.Admin] {
			return fmt.Errorf("share move %d of %s: above the admin's sequence %d", m.Seq, m.Admin, seqs[m.Admin])
		}
		k := moveKey{m.Admin, m.Seq}
		if moves[k] {
			return fmt.Errorf("duplicate share move %d of %s", m.Seq, m.Admin)
		}
		moves[k] = true
		if m.Amount.IsNil() || !m.Amount.IsPositive() {
			return fmt.Errorf("share move %d of %s: amount must be positive", m.Seq, m.Admin)
		}
		if err := sdk.ValidateDenom(m.Denom); err != nil {
			return fmt.Errorf("share move %d of %s: %w", m.Seq, m.Admin, err)
		}
	}
	return nil
}

// Validate checks an asset record.
func (a Asset) Validate() error {
	if _, err := sdk.AccAddressFromBech32(a.Issuer); err != nil {
		return fmt.Errorf("issuer %q: %w", a.Issuer, err)
	}
	if _, err := sdk.AccAddressFromBech32(a.Admin); err != nil {
		return fmt.Errorf("admin %q: %w", a.Admin, err)
	}
	denom, err := Denom(a.Issuer, a.Symbol)
	if err != nil {
		return err
	}
	if denom != a.Denom {
		return fmt.Errorf("denom %q must be %q", a.Denom, denom)
	}
	if a.Class == ClassUnspecified || AssetClass_name[int32(a.Class)] == "" {
		return fmt.Errorf("invalid class %d", int32(a.Class))
	}
	if a.SupplyCap.IsNil() || a.SupplyCap.IsNegative() {
		return fmt.Errorf("supply cap must be zero (uncapped) or positive")
	}
	return nil
}
