// Package keeper holds the compliance module's state and decisions: the
// register of legal entities and licences, freezes, eligibility rules and the
// audit trail, and the checks other modules call (EntityOf, HasRole,
// IsMarketMaker, CheckTrade, CheckEligibility). It never mutates state from a
// check.
package keeper

import (
	"context"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// licenceIndexes index licences by entity.
type licenceIndexes struct {
	Entity *indexes.Multi[uint64, sdk.AccAddress, types.Licence]
}

// IndexesList implements collections.Indexes.
func (i licenceIndexes) IndexesList() []collections.Index[sdk.AccAddress, types.Licence] {
	return []collections.Index[sdk.AccAddress, types.Licence]{i.Entity}
}

// Keeper is the compliance keeper.
type Keeper struct {
	cdc          codec.Codec
	addressCodec address.Codec
	bank         types.BankKeeper
	accounts     types.AccountKeeper
	// assets is shared by every copy of the keeper; set once in app wiring.
	assets *assetRegistryRef
	// refs holds the lifecycle hooks and the exchange ledger, shared by every
	// copy of the keeper; set once in app wiring (see hooks.go).
	refs *hooksRef
	// govAuthority signs MsgUpdateParams (the gov module account).
	govAuthority string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	Entities    collections.Map[uint64, types.Entity]
	NextEntity  collections.Sequence
	EntityByLEI collections.Map[string, uint64]
	Licences    *collections.IndexedMap[sdk.AccAddress, types.Licence, licenceIndexes]
	Freezes     collections.Map[sdk.AccAddress, types.Freeze]
	Rules       collections.Map[string, types.EligibilityRule]
	Audit       collections.Map[uint64, types.AuditRecord]
	NextAudit   collections.Sequence
	// Expiries indexes licence expiries (expires_at, address) for the
	// EndBlock sweep; see expiry.go.
	Expiries collections.KeySet[collections.Pair[time.Time, sdk.AccAddress]]
}

// NewKeeper builds the keeper. govAuthority is the account allowed to change
// the params (normally the gov module account).
func NewKeeper(
	cdc codec.Codec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	bank types.BankKeeper,
	accounts types.AccountKeeper,
	govAuthority string,
) (Keeper, error) {
	if _, err := addressCodec.StringToBytes(govAuthority); err != nil {
		return Keeper{}, fmt.Errorf("compliance: invalid gov authority %q: %w", govAuthority, err)
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		bank:         bank,
		accounts:     accounts,
		govAuthority: govAuthority,
		assets:       &assetRegistryRef{},
		refs:         &hooksRef{},
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Entities:     collections.NewMap(sb, types.EntitiesKey, "entities", collections.Uint64Key, codec.CollValue[types.Entity](cdc)),
		NextEntity:   collections.NewSequence(sb, types.NextEntityIDKey, "next_entity_id"),
		EntityByLEI:  collections.NewMap(sb, types.EntityByLEIKey, "entity_by_lei", collections.StringKey, collections.Uint64Value),
		Licences: collections.NewIndexedMap(sb, types.LicencesKey, "licences", sdk.AccAddressKey,
			codec.CollValue[types.Licence](cdc),
			licenceIndexes{Entity: indexes.NewMulti(sb, types.LicencesByEntityKey, "licences_by_entity",
				collections.Uint64Key, sdk.AccAddressKey,
				func(_ sdk.AccAddress, l types.Licence) (uint64, error) { return l.EntityId, nil })},
		),
		Freezes:   collections.NewMap(sb, types.FreezesKey, "freezes", sdk.AccAddressKey, codec.CollValue[types.Freeze](cdc)),
		Rules:     collections.NewMap(sb, types.RulesKey, "rules", collections.StringKey, codec.CollValue[types.EligibilityRule](cdc)),
		Audit:     collections.NewMap(sb, types.AuditKey, "audit", collections.Uint64Key, codec.CollValue[types.AuditRecord](cdc)),
		NextAudit: collections.NewSequence(sb, types.NextAuditSeqKey, "next_audit_sequence"),
		Expiries: collections.NewKeySet(sb, types.ExpiryQueueKey, "licence_expiries",
			collections.PairKeyCodec(sdk.TimeKey, sdk.AccAddressKey)),
	}
	schema, err := sb.Build()
	if err != nil {
		return Keeper{}, fmt.Errorf("compliance: building schema: %w", err)
	}
	k.Schema = schema
	return k, nil
}

// GovAuthority returns the account allowed to change the params.
func (k Keeper) GovAuthority() string { return k.govAuthority }

// Authority returns the regulator: the account that signs every compliance
// message but MsgUpdateParams.
func (k Keeper) Authority(ctx context.Context) string {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return ""
	}
	return p.Authority
}

// MsgSigners returns the signers of msg, for the ante gate.
func (k Keeper) MsgSigners(msg sdk.Msg) ([][]byte, error) {
	signers, _, err := k.cdc.GetMsgV1Signers(msg)
	return signers, err
}

// checkAuthority fails unless signer is the regulator.
func (k Keeper) checkAuthority(ctx context.Context, signer string) error {
	if auth := k.Authority(ctx); auth == "" || signer != auth {
		return errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", auth, signer)
	}
	return nil
}

type assetRegistryRef struct{ r types.AssetRegistry }

// SetAssetRegistry tells the keeper which denoms are restricted. The app
// calls it once, after building x/assets (which itself depends on this
// keeper). Without a registry no denom is restricted.
func (k Keeper) SetAssetRegistry(r types.AssetRegistry) { k.assets.r = r }

// isRestricted reports whether denom is a restricted asset.
func (k Keeper) isRestricted(ctx context.Context, denom string) bool {
	return k.assets.r != nil && k.assets.r.IsRestricted(ctx, denom)
}
