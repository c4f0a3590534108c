package keeper

import (
	"context"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the Msg service of the keeper. Each handler checks
// the signer is the authority first, then decodes and makes one keeper call.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

func parseAddr(field, s string) (sdk.AccAddress, error) {
	addr, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %v", field, s, err)
	}
	return addr, nil
}

// checkReason requires a non-blank reason of at most MaxReasonLength bytes:
// every regulator action says why.
func checkReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return errorsmod.Wrap(types.ErrInvalidReason, "a reason is required")
	}
	if err := types.ValidateReason(reason); err != nil {
		return errorsmod.Wrap(types.ErrInvalidReason, err.Error())
	}
	return nil
}

// UpdateParams is signed by governance.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.k.govAuthority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "expected gov account %s, got %s", m.k.govAuthority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, err.Error())
	}
	return &types.MsgUpdateParamsResponse{}, m.k.SetParams(ctx, msg.Authority, msg.Params)
}

func (m msgServer) RegisterEntity(ctx context.Context, msg *types.MsgRegisterEntity) (*types.MsgRegisterEntityResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	id, err := m.k.RegisterEntity(ctx, msg.Authority, types.Entity{
		Name: msg.Name, Lei: msg.Lei, Jurisdiction: msg.Jurisdiction, ParentId: msg.ParentId,
	}, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterEntityResponse{Id: id}, nil
}

func (m msgServer) UpdateEntity(ctx context.Context, msg *types.MsgUpdateEntity) (*types.MsgUpdateEntityResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgUpdateEntityResponse{}, m.k.UpdateEntity(ctx, msg.Authority, types.Entity{
		Id: msg.Id, Name: msg.Name, Lei: msg.Lei, Jurisdiction: msg.Jurisdiction, ParentId: msg.ParentId,
	}, msg.Reason)
}

func (m msgServer) GrantLicence(ctx context.Context, msg *types.MsgGrantLicence) (*types.MsgGrantLicenceResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgGrantLicenceResponse{}, m.k.GrantLicence(ctx, msg.Authority, types.Licence{
		Address: msg.Address, EntityId: msg.EntityId, Roles: msg.Roles, ExpiresAt: msg.ExpiresAt,
	}, msg.Reason)
}

func (m msgServer) UpdateLicence(ctx context.Context, msg *types.MsgUpdateLicence) (*types.MsgUpdateLicenceResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgUpdateLicenceResponse{}, m.k.UpdateLicence(ctx, msg.Authority, types.Licence{
		Address: msg.Address, EntityId: msg.EntityId, Roles: msg.Roles, ExpiresAt: msg.ExpiresAt,
	}, msg.Reason)
}

// accountAction checks what the regulator's actions on one account share:
// the signer is the regulator, the address is valid, a reason is given.
func (m msgServer) accountAction(ctx context.Context, authority, address, reason string) (sdk.AccAddress, error) {
	if err := m.k.checkAuthority(ctx, authority); err != nil {
		return nil, err
	}
	addr, err := parseAddr("address", address)
	if err != nil {
		return nil, err
	}
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	return addr, nil
}

func (m msgServer) RevokeLicence(ctx context.Context, msg *types.MsgRevokeLicence) (*types.MsgRevokeLicenceResponse, error) {
	addr, err := m.accountAction(ctx, msg.Authority, msg.Address, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgRevokeLicenceResponse{}, m.k.RevokeLicence(ctx, msg.Authority, addr, msg.Reason)
}

func (m msgServer) FreezeAccount(ctx context.Context, msg *types.MsgFreezeAccount) (*types.MsgFreezeAccountResponse, error) {
	addr, err := m.accountAction(ctx, msg.Authority, msg.Address, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgFreezeAccountResponse{}, m.k.FreezeAccount(ctx, msg.Authority, addr, msg.Reason)
}

func (m msgServer) UnfreezeAccount(ctx context.Context, msg *types.MsgUnfreezeAccount) (*types.MsgUnfreezeAccountResponse, error) {
	addr, err := m.accountAction(ctx, msg.Authority, msg.Address, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgUnfreezeAccountResponse{}, m.k.UnfreezeAccount(ctx, msg.Authority, addr, msg.Reason)
}

func (m msgServer) SetEligibilityRule(ctx context.Context, msg *types.MsgSetEligibilityRule) (*types.MsgSetEligibilityRuleResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgSetEligibilityRuleResponse{}, m.k.SetEligibilityRule(ctx, msg.Authority, types.EligibilityRule{
		Subject: msg.Subject, AllowedRoles: msg.AllowedRoles, AllowedJurisdictions: msg.AllowedJurisdictions,
	}, msg.Reason)
}

func (m msgServer) ForceTransfer(ctx context.Context, msg *types.MsgForceTransfer) (*types.MsgForceTransferResponse, error) {
	if err := m.k.checkAuthority(ctx, msg.Authority); err != nil {
		return nil, err
	}
	from, err := parseAddr("from", msg.From)
	if err != nil {
		return nil, err
	}
	to, err := parseAddr("to", msg.To)
	if err != nil {
		return nil, err
	}
	if err := checkReason(msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgForceTransferResponse{}, m.k.ForceTransfer(ctx, msg.Authority, from, to, msg.Amount, msg.Reason)
}
