package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// GetParams returns the params.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	return k.Params.Get(ctx)
}

// SetParams validates and stores the params.
func (k Keeper) SetParams(ctx context.Context, p types.Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return k.Params.Set(ctx, p)
}

// checkAuthority returns ErrUnauthorized unless signer is the authority.
func (k Keeper) checkAuthority(signer string) error {
	if signer != k.authority {
		return errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", k.authority, signer)
	}
	return nil
}
