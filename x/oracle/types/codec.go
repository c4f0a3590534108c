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
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "oracle/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgSetFeed{}, "oracle/MsgSetFeed")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveFeed{}, "oracle/MsgRemoveFeed")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitPrice{}, "oracle/MsgSubmitPrice")
	legacy.RegisterAminoMsg(cdc, &MsgInjectedVotes{}, "oracle/MsgInjectedVotes")
	cdc.RegisterConcrete(&Params{}, "oracle/Params", nil)
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{},
		&MsgSetFeed{},
		&MsgRemoveFeed{},
		&MsgSubmitPrice{},
		&MsgInjectedVotes{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
