package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/oracle/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k: k} }

// UpdateParams changes the params; authority only.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := m.k.SetParams(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// SetFeed adds or changes a feed; authority only.
func (m msgServer) SetFeed(ctx context.Context, msg *types.MsgSetFeed) (*types.MsgSetFeedResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := m.k.SetFeed(ctx, msg.Feed); err != nil {
		return nil, err
	}
	return &types.MsgSetFeedResponse{}, nil
}

// RemoveFeed removes a feed; authority only.
func (m msgServer) RemoveFeed(ctx context.Context, msg *types.MsgRemoveFeed) (*types.MsgRemoveFeedResponse, error) {
	if err := m.k.checkAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := m.k.RemoveFeed(ctx, msg.FeedId); err != nil {
		return nil, err
	}
	return &types.MsgRemoveFeedResponse{}, nil
}

// SubmitPrice records a licensed feeder's price.
func (m msgServer) SubmitPrice(ctx context.Context, msg *types.MsgSubmitPrice) (*types.MsgSubmitPriceResponse, error) {
	if err := msg.ValidateBasic(); err != nil {
		return nil, err
	}
	feeder, err := sdk.AccAddressFromBech32(msg.Feeder)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "feeder %q: %v", msg.Feeder, err)
	}
	updated, price, n, err := m.k.SubmitPrice(ctx, feeder, msg.FeedId, msg.Price)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitPriceResponse{PriceUpdated: updated, Price: price, Feeders: n}, nil
}

// InjectedVotes refuses every MsgInjectedVotes that reaches the router
// (through authz, a contract or a governance proposal): the message only
// exists as the proposer's injected first tx, which is never executed.
func (m msgServer) InjectedVotes(context.Context, *types.MsgInjectedVotes) (*types.MsgInjectedVotesResponse, error) {
	return nil, errorsmod.Wrap(types.ErrInjectedVotesMsg, "MsgInjectedVotes is never executed")
}
