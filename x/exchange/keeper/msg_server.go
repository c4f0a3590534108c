package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/clearchain/clearchain/internal/addrcache"
	"github.com/clearchain/clearchain/x/exchange/types"
)

type msgServer struct{ k Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the exchange Msg server.
func NewMsgServerImpl(k Keeper) types.MsgServer { return rateLimitedMsgServer{msgServer{k: k}} }

func signer(s string) (sdk.AccAddress, error) {
	addr, err := addrcache.AccAddressFromBech32(s)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "%q: %v", s, err)
	}
	return addr, nil
}

func (s msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	return &types.MsgUpdateParamsResponse{}, s.k.SetParams(ctx, msg.Authority, msg.Params)
}

func (s msgServer) CreateMarket(ctx context.Context, msg *types.MsgCreateMarket) (*types.MsgCreateMarketResponse, error) {
	id, err := s.k.CreateMarket(ctx, msg.Authority, msg.Market, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgCreateMarketResponse{MarketId: id}, nil
}

func (s msgServer) UpdateMarket(ctx context.Context, msg *types.MsgUpdateMarket) (*types.MsgUpdateMarketResponse, error) {
	return &types.MsgUpdateMarketResponse{}, s.k.UpdateMarket(ctx, msg)
}

func (s msgServer) Deposit(ctx context.Context, msg *types.MsgDeposit) (*types.MsgDepositResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	if err := s.k.Deposit(ctx, owner, msg.Amount); err != nil {
		return nil, err
	}
	return &types.MsgDepositResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventDeposit{Owner: msg.Owner, Amount: msg.Amount.String()})
}

func (s msgServer) Withdraw(ctx context.Context, msg *types.MsgWithdraw) (*types.MsgWithdrawResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	if err := s.k.Withdraw(ctx, owner, msg.Amount); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventWithdraw{Owner: msg.Owner, Amount: msg.Amount.String()})
}

func (s msgServer) PlaceOrder(ctx context.Context, msg *types.MsgPlaceOrder) (*types.MsgPlaceOrderResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	id, err := s.k.PlaceOrder(ctx, owner, msg.Order)
	if err != nil {
		return nil, err
	}
	return &types.MsgPlaceOrderResponse{OrderId: id}, nil
}

func (s msgServer) CancelOrder(ctx context.Context, msg *types.MsgCancelOrder) (*types.MsgCancelOrderResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	id, err := s.k.CancelOrder(ctx, owner, msg.MarketId, msg.OrderId, msg.ClientOrderId)
	if err != nil {
		return nil, err
	}
	return &types.MsgCancelOrderResponse{OrderId: id}, nil
}

func (s msgServer) CancelReplace(ctx context.Context, msg *types.MsgCancelReplace) (*types.MsgCancelReplaceResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	id, err := s.k.CancelReplace(ctx, owner, msg.MarketId, msg.OrderId, msg.ClientOrderId, msg.Price, msg.Quantity)
	if err != nil {
		return nil, err
	}
	return &types.MsgCancelReplaceResponse{OrderId: id}, nil
}

func (s msgServer) MassCancel(ctx context.Context, msg *types.MsgMassCancel) (*types.MsgMassCancelResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	return &types.MsgMassCancelResponse{}, s.k.MassCancel(ctx, owner, msg.MarketId, msg.Side)
}

func (s msgServer) Batch(ctx context.Context, msg *types.MsgBatch) (*types.MsgBatchResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	ids, results, err := s.k.Batch(ctx, owner, msg.Cancels, msg.Places, msg.BestEffort)
	if err != nil {
		return nil, err
	}
	return &types.MsgBatchResponse{OrderIds: ids, Results: results}, nil
}

func (s msgServer) Heartbeat(ctx context.Context, msg *types.MsgHeartbeat) (*types.MsgHeartbeatResponse, error) {
	owner, err := signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	d, err := s.k.Heartbeat(ctx, owner, msg.WindowBlocks)
	if err != nil {
		return nil, err
	}
	return &types.MsgHeartbeatResponse{Deadline: d}, nil
}

func (s msgServer) ForceCancel(ctx context.Context, msg *types.MsgForceCancel) (*types.MsgForceCancelResponse, error) {
	if _, err := signer(msg.Authority); err != nil {
		return nil, err
	}
	n, err := s.k.ForceCancel(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgForceCancelResponse{Tasks: n}, nil
}
