package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "clearchain/exchange/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgCreateMarket{}, "clearchain/exchange/MsgCreateMarket")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateMarket{}, "clearchain/exchange/MsgUpdateMarket")
	legacy.RegisterAminoMsg(cdc, &MsgDeposit{}, "clearchain/exchange/MsgDeposit")
	legacy.RegisterAminoMsg(cdc, &MsgWithdraw{}, "clearchain/exchange/MsgWithdraw")
	legacy.RegisterAminoMsg(cdc, &MsgPlaceOrder{}, "clearchain/exchange/MsgPlaceOrder")
	legacy.RegisterAminoMsg(cdc, &MsgCancelOrder{}, "clearchain/exchange/MsgCancelOrder")
	legacy.RegisterAminoMsg(cdc, &MsgCancelReplace{}, "clearchain/exchange/MsgCancelReplace")
	legacy.RegisterAminoMsg(cdc, &MsgMassCancel{}, "clearchain/exchange/MsgMassCancel")
	legacy.RegisterAminoMsg(cdc, &MsgBatch{}, "clearchain/exchange/MsgBatch")
	legacy.RegisterAminoMsg(cdc, &MsgHeartbeat{}, "clearchain/exchange/MsgHeartbeat")
	legacy.RegisterAminoMsg(cdc, &MsgForceCancel{}, "clearchain/exchange/MsgForceCancel")
}

// RegisterInterfaces registers the messages with the interface registry.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{}, &MsgCreateMarket{}, &MsgUpdateMarket{}, &MsgDeposit{}, &MsgWithdraw{},
		&MsgPlaceOrder{}, &MsgCancelOrder{}, &MsgCancelReplace{}, &MsgMassCancel{}, &MsgBatch{}, &MsgHeartbeat{},
		&MsgForceCancel{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
