package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgCreateAsset{}, "assets/MsgCreateAsset")
	legacy.RegisterAminoMsg(cdc, &MsgMint{}, "assets/MsgMint")
	legacy.RegisterAminoMsg(cdc, &MsgBurn{}, "assets/MsgBurn")
	legacy.RegisterAminoMsg(cdc, &MsgSetPaused{}, "assets/MsgSetPaused")
	legacy.RegisterAminoMsg(cdc, &MsgTransferAdmin{}, "assets/MsgTransferAdmin")
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgCreateAsset{}, &MsgMint{}, &MsgBurn{}, &MsgSetPaused{}, &MsgTransferAdmin{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
