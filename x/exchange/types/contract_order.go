package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// ErrContractOrder: a tracked contract order cannot be recorded or
// acknowledged (keeper/contract_status.go). Codes from 80 are the
// contracts'.
var ErrContractOrder = errorsmod.Register(ModuleName, 80, "contract order record")

// validateContractOrders checks the settlement records of a genesis: each
// names a well-formed owner and client order id, once per order and once
// per (owner, client order id), with non-negative fills.
func validateContractOrders(recs []ContractOrderRecord) error {
	ids := make(map[uint64]bool, len(recs))
	cids := make(map[[2]string]bool, len(recs))
	for i := range recs {
		r := &recs[i]
		if _, err := sdk.AccAddressFromBech32(r.Owner); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contract order %d: owner: %v", r.OrderId, err)
		}
		key := [2]string{r.Owner, r.ClientOrderId}
		switch {
		case r.OrderId == 0 || ids[r.OrderId]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "contract order id %d: zero or repeated", r.OrderId)
		case r.ClientOrderId == "" || !ValidClientOrderID(r.ClientOrderId) || cids[key]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "contract order %d: client order id %q malformed or repeated", r.OrderId, r.ClientOrderId)
		case r.QuoteFilled.IsNil() || r.QuoteFilled.IsNegative() || r.FeesPaid.IsNil():
			return errorsmod.Wrapf(ErrInvalidGenesis, "contract order %d: quote filled or fees missing or negative", r.OrderId)
		case r.FilledQuantity > r.Quantity:
			return errorsmod.Wrapf(ErrInvalidGenesis, "contract order %d: filled %d of %d", r.OrderId, r.FilledQuantity, r.Quantity)
		}
		ids[r.OrderId], cids[key] = true, true
	}
	return nil
}
