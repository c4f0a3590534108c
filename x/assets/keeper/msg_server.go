package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/assets/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the Msg service: decode, one keeper call.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

func parseAddr(field, s string) (sdk.AccAddress, error) {
	addr, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%s %q: %v", field, s, err)
	}
	return addr, nil
}

func (m msgServer) CreateAsset(ctx context.Context, msg *types.MsgCreateAsset) (*types.MsgCreateAssetResponse, error) {
	issuer, err := parseAddr("issuer", msg.Issuer)
	if err != nil {
		return nil, err
	}
	a, err := m.k.CreateAsset(ctx, issuer, CreateParams{
		Symbol: msg.Symbol, Name: msg.Name, Decimals: msg.Decimals, URI: msg.Uri, URIHash: msg.UriHash,
		Class: msg.Class, Restricted: msg.Restricted, SupplyCap: msg.SupplyCap,
	})
	if err != nil {
		return nil, err
	}
	return &types.MsgCreateAssetResponse{Denom: a.Denom}, nil
}

func (m msgServer) Mint(ctx context.Context, msg *types.MsgMint) (*types.MsgMintResponse, error) {
	admin, err := parseAddr("admin", msg.Admin)
	if err != nil {
		return nil, err
	}
	recipient, err := parseAddr("recipient", msg.Recipient)
	if err != nil {
		return nil, err
	}
	return &types.MsgMintResponse{}, m.k.Mint(ctx, admin, msg.Denom, msg.Amount, recipient)
}

func (m msgServer) Burn(ctx context.Context, msg *types.MsgBurn) (*types.MsgBurnResponse, error) {
	admin, err := parseAddr("admin", msg.Admin)
	if err != nil {
		return nil, err
	}
	return &types.MsgBurnResponse{}, m.k.Burn(ctx, admin, msg.Denom, msg.Amount)
}

func (m msgServer) SetPaused(ctx context.Context, msg *types.MsgSetPaused) (*types.MsgSetPausedResponse, error) {
	admin, err := parseAddr("admin", msg.Admin)
	if err != nil {
		return nil, err
	}
	return &types.MsgSetPausedResponse{}, m.k.SetPaused(ctx, admin, msg.Denom, msg.Paused)
}

func (m msgServer) TransferAdmin(ctx context.Context, msg *types.MsgTransferAdmin) (*types.MsgTransferAdminResponse, error) {
	admin, err := parseAddr("admin", msg.Admin)
	if err != nil {
		return nil, err
	}
	newAdmin, err := parseAddr("new_admin", msg.NewAdmin)
	if err != nil {
		return nil, err
	}
	return &types.MsgTransferAdminResponse{}, m.k.TransferAdmin(ctx, admin, msg.Denom, newAdmin)
}
