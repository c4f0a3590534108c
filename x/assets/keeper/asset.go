package keeper

import (
	"context"
	"fmt"
	"strings"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// CreateParams are the fields of a new asset.
type CreateParams struct {
	Symbol     string
	Name       string
	Decimals   uint32
	URI        string
	URIHash    string
	Class      types.AssetClass
	Restricted bool
	SupplyCap  sdkmath.Int // zero: uncapped
}

// GetAsset returns the asset of denom.
func (k Keeper) GetAsset(ctx context.Context, denom string) (types.Asset, error) {
	if !types.IsAssetDenom(denom) {
		return types.Asset{}, errorsmod.Wrapf(types.ErrAssetNotFound, "denom %s", denom)
	}
	a, err := k.Assets.Get(ctx, denom)
	if err != nil {
		return a, errorsmod.Wrapf(types.ErrAssetNotFound, "denom %s", denom)
	}
	return a, nil
}

// IsRestricted reports whether denom is a restricted asset. Denoms outside
// asset/ cost no store read.
func (k Keeper) IsRestricted(ctx context.Context, denom string) bool {
	a, err := k.GetAsset(ctx, denom)
	return err == nil && a.Restricted
}

// IsPaused reports whether denom is a paused asset.
func (k Keeper) IsPaused(ctx context.Context, denom string) bool {
	a, err := k.GetAsset(ctx, denom)
	return err == nil && a.Paused
}

// CreateAsset creates asset/{issuer}/{symbol} with issuer as admin and
// writes its bank metadata. The issuer needs a valid ISSUER licence and no
// freeze.
func (k Keeper) CreateAsset(ctx context.Context, issuer sdk.AccAddress, p CreateParams) (types.Asset, error) {
	if err := k.requireIssuer(ctx, issuer, "create an asset"); err != nil {
		return types.Asset{}, err
	}
	denom, err := types.Denom(issuer.String(), p.Symbol)
	if err != nil {
		return types.Asset{}, errorsmod.Wrap(types.ErrInvalidAsset, err.Error())
	}
	switch {
	case strings.TrimSpace(p.Name) == "" || len(p.Name) > types.MaxNameLength:
		return types.Asset{}, errorsmod.Wrapf(types.ErrInvalidAsset, "name must be 1-%d characters", types.MaxNameLength)
	case p.Decimals > types.MaxDecimals:
		return types.Asset{}, errorsmod.Wrapf(types.ErrInvalidAsset, "decimals %d above %d", p.Decimals, types.MaxDecimals)
	case len(p.URI) > types.MaxURILength || len(p.URIHash) > types.MaxURILength:
		return types.Asset{}, errorsmod.Wrapf(types.ErrInvalidAsset, "uri and uri hash are limited to %d bytes", types.MaxURILength)
	case p.Class == types.ClassUnspecified || types.AssetClass_name[int32(p.Class)] == "":
		return types.Asset{}, errorsmod.Wrapf(types.ErrInvalidAsset, "invalid class %d", int32(p.Class))
	case p.SupplyCap.IsNil():
		p.SupplyCap = sdkmath.ZeroInt()
	case p.SupplyCap.IsNegative():
		return types.Asset{}, errorsmod.Wrap(types.ErrInvalidAsset, "negative supply cap")
	}
	if has, err := k.Assets.Has(ctx, denom); err != nil {
		return types.Asset{}, err
	} else if has {
		return types.Asset{}, errorsmod.Wrapf(types.ErrAssetExists, "denom %s", denom)
	}
	a := types.Asset{
		Denom: denom, Issuer: issuer.String(), Admin: issuer.String(), Symbol: p.Symbol,
		Class: p.Class, Restricted: p.Restricted, SupplyCap: p.SupplyCap,
	}
	if err := k.Assets.Set(ctx, denom, a); err != nil {
		return types.Asset{}, err
	}
	units := []*banktypes.DenomUnit{{Denom: denom, Exponent: 0}}
	display := denom
	if p.Decimals > 0 {
		units = append(units, &banktypes.DenomUnit{Denom: p.Symbol, Exponent: p.Decimals})
		display = p.Symbol
	}
	meta := banktypes.Metadata{
		Description: p.Name, DenomUnits: units, Base: denom, Display: display,
		Name: p.Name, Symbol: strings.ToUpper(p.Symbol), URI: p.URI, URIHash: p.URIHash,
	}
	if err := meta.Validate(); err != nil {
		return types.Asset{}, errorsmod.Wrap(types.ErrInvalidAsset, err.Error())
	}
	k.bank.SetDenomMetaData(ctx, meta)
	if err := k.audit(ctx, issuer, types.AuditCreate, denom, fmt.Sprintf("symbol=%s class=%s restricted=%t supply_cap=%s",
		p.Symbol, p.Class, p.Restricted, p.SupplyCap)); err != nil {
		return types.Asset{}, err
	}
	return a, emit(ctx, &types.EventAssetCreated{Asset: a})
}

// requireIssuer refuses an account that does not hold a licence valid at
// the block time with the ISSUER role, or is frozen. Every issuer action
// asks it where it happens, whoever routed the message (see
// x/compliance/README.md).
func (k Keeper) requireIssuer(ctx context.Context, addr sdk.AccAddress, what string) error {
	if k.compliance.IsFrozen(ctx, addr) {
		return errorsmod.Wrapf(types.ErrNotIssuer, "account %s is frozen and may not %s", addr, what)
	}
	if !k.compliance.HasRole(ctx, addr, compliancetypes.RoleIssuer) {
		return errorsmod.Wrapf(types.ErrNotIssuer, "account %s lacks an active licence with role ISSUER to %s", addr, what)
	}
	return nil
}

// audit appends an issuer action to x/compliance's audit trail.
func (k Keeper) audit(ctx context.Context, actor sdk.AccAddress, action, denom, details string) error {
	if _, err := k.compliance.RecordAudit(ctx, actor.String(), action, denom, details); err != nil {
		return errorsmod.Wrapf(err, "auditing %s of %s", action, denom)
	}
	return nil
}

// adminAsset returns the asset of denom if admin is its admin and may act
// as an issuer (active ISSUER licence, not frozen).
func (k Keeper) adminAsset(ctx context.Context, admin sdk.AccAddress, denom, what string) (types.Asset, error) {
	a, err := k.GetAsset(ctx, denom)
	if err != nil {
		return a, err
	}
	if a.Admin != admin.String() {
		return a, errorsmod.Wrapf(types.ErrNotAdmin, "%s is not the admin of %s", admin, denom)
	}
	if err := k.requireIssuer(ctx, admin, what+" "+denom); err != nil {
		return a, err
	}
	return a, nil
}

// Mint mints amount of denom to recipient. Only the admin may; not while
// paused; not above the supply cap. The send restrictions apply to the
// recipient (a restricted asset needs an eligible holder).
func (k Keeper) Mint(ctx context.Context, admin sdk.AccAddress, denom string, amount sdkmath.Int, recipient sdk.AccAddress) error {
	a, err := k.adminAsset(ctx, admin, denom, "mint")
	if err != nil {
		return err
	}
	if a.Paused {
		return errorsmod.Wrapf(types.ErrPaused, "cannot mint %s", denom)
	}
	if amount.IsNil() || !amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "mint amount must be positive")
	}
	if a.SupplyCap.IsPositive() {
		supply := k.bank.GetSupply(ctx, denom).Amount
		if supply.Add(amount).GT(a.SupplyCap) {
			return errorsmod.Wrapf(types.ErrSupplyCap, "%s: supply %s + %s above cap %s", denom, supply, amount, a.SupplyCap)
		}
	}
	coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
	if err := k.bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
		return err
	}
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, coins); err != nil {
		return errorsmod.Wrapf(err, "minting %s to %s", coins, recipient)
	}
	if err := k.audit(ctx, admin, types.AuditMint, denom, fmt.Sprintf("amount=%s recipient=%s", amount, recipient)); err != nil {
		return err
	}
	return emit(ctx, &types.EventMinted{Denom: denom, Amount: amount.String(), Recipient: recipient.String()})
}

// Burn burns amount of denom from the admin's own balance.
func (k Keeper) Burn(ctx context.Context, admin sdk.AccAddress, denom string, amount sdkmath.Int) error {
	if _, err := k.adminAsset(ctx, admin, denom, "burn"); err != nil {
		return err
	}
	if amount.IsNil() || !amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "burn amount must be positive")
	}
	coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
	if err := k.bank.SendCoinsFromAccountToModule(ctx, admin, types.ModuleName, coins); err != nil {
		return errorsmod.Wrapf(err, "burning %s from %s", coins, admin)
	}
	if err := k.bank.BurnCoins(ctx, types.ModuleName, coins); err != nil {
		return err
	}
	if err := k.audit(ctx, admin, types.AuditBurn, denom, fmt.Sprintf("amount=%s", amount)); err != nil {
		return err
	}
	return emit(ctx, &types.EventBurned{Denom: denom, Amount: amount.String(), From: admin.String()})
}

// SetPaused pauses or resumes denom.
func (k Keeper) SetPaused(ctx context.Context, admin sdk.AccAddress, denom string, paused bool) error {
	action, what := types.AuditPause, "pause"
	if !paused {
		action, what = types.AuditUnpause, "unpause"
	}
	a, err := k.adminAsset(ctx, admin, denom, what)
	if err != nil {
		return err
	}
	if a.Paused == paused {
		return errorsmod.Wrapf(types.ErrNoChange, "%s paused is already %t", denom, paused)
	}
	a.Paused = paused
	if err := k.Assets.Set(ctx, denom, a); err != nil {
		return err
	}
	if err := k.audit(ctx, admin, action, denom, fmt.Sprintf("paused=%t", paused)); err != nil {
		return err
	}
	return emit(ctx, &types.EventPauseChanged{Denom: denom, Paused: paused})
}

// TransferAdmin hands the admin rights of denom to newAdmin (an account or
// a contract).
func (k Keeper) TransferAdmin(ctx context.Context, admin sdk.AccAddress, denom string, newAdmin sdk.AccAddress) error {
	a, err := k.adminAsset(ctx, admin, denom, "transfer the admin of")
	if err != nil {
		return err
	}
	if len(newAdmin) == 0 || newAdmin.Equals(admin) {
		return errorsmod.Wrapf(types.ErrNoChange, "new admin must be another account")
	}
	a.Admin = newAdmin.String()
	if err := k.Assets.Set(ctx, denom, a); err != nil {
		return err
	}
	if err := k.audit(ctx, admin, types.AuditTransferAdmin, denom, "new_admin="+a.Admin); err != nil {
		return err
	}
	return emit(ctx, &types.EventAdminTransferred{Denom: denom, OldAdmin: admin.String(), NewAdmin: a.Admin})
}

// SendRestriction stops transfers of paused assets, except to and from the
// assets module account (burning) and the regulator's forced transfers, and
// queues every move of a contract-administered data-asset denom for its
// contract (moves.go; never an error). Register it with
// bankKeeper.AppendSendRestriction, last, so only moves that happen are
// queued.
func (k Keeper) SendRestriction(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) (sdk.AccAddress, error) {
	exempt := compliancetypes.IsForcedTransfer(ctx) || from.Equals(k.moduleAddr) || to.Equals(k.moduleAddr)
	var data []movedAsset
	for _, c := range amt {
		// One read of the asset per denom serves both checks.
		a, err := k.GetAsset(ctx, c.Denom)
		if err != nil {
			continue
		}
		if a.Paused && !exempt {
			return nil, errorsmod.Wrapf(types.ErrPaused, "%s cannot move while paused", c.Denom)
		}
		if a.Class == types.ClassDataAsset && c.Amount.IsPositive() {
			data = append(data, movedAsset{a, c.Amount})
		}
	}
	k.recordMoves(ctx, from, to, data)
	return to, nil
}

var _ banktypes.SendRestrictionFn = Keeper{}.SendRestriction

// Supply returns the bank supply of denom.
func (k Keeper) Supply(ctx context.Context, denom string) sdkmath.Int {
	return k.bank.GetSupply(ctx, denom).Amount
}
