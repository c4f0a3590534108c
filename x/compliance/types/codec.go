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
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "compliance/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgRegisterEntity{}, "compliance/MsgRegisterEntity")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateEntity{}, "compliance/MsgUpdateEntity")
	legacy.RegisterAminoMsg(cdc, &MsgGrantLicence{}, "compliance/MsgGrantLicence")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateLicence{}, "compliance/MsgUpdateLicence")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeLicence{}, "compliance/MsgRevokeLicence")
	legacy.RegisterAminoMsg(cdc, &MsgFreezeAccount{}, "compliance/MsgFreezeAccount")
	legacy.RegisterAminoMsg(cdc, &MsgUnfreezeAccount{}, "compliance/MsgUnfreezeAccount")
	legacy.RegisterAminoMsg(cdc, &MsgSetEligibilityRule{}, "compliance/MsgSetEligibilityRule")
	legacy.RegisterAminoMsg(cdc, &MsgForceTransfer{}, "compliance/MsgForceTransfer")
	cdc.RegisterConcrete(&Params{}, "compliance/Params", nil)
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{},
		&MsgRegisterEntity{},
		&MsgUpdateEntity{},
		&MsgGrantLicence{},
		&MsgUpdateLicence{},
		&MsgRevokeLicence{},
		&MsgFreezeAccount{},
		&MsgUnfreezeAccount{},
		&MsgSetEligibilityRule{},
		&MsgForceTransfer{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
