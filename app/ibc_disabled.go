package app

import (
	"errors"

	clienttypes "github.com/cosmos/ibc-go/v11/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v11/modules/core/04-channel/types"
	channeltypesv2 "github.com/cosmos/ibc-go/v11/modules/core/04-channel/v2/types"
	ibcexported "github.com/cosmos/ibc-go/v11/modules/core/exported"

	sdk "github.com/cosmos/cosmos-sdk/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// errIBCDisabled is returned to any contract that tries to use IBC.
var errIBCDisabled = errors.New("clearchain: IBC is disabled on this permissioned chain")

// noIBC answers wasmd's IBC dependencies on a chain without IBC: ClearChain
// is a permissioned venue with no IBC module, so a contract that sends an IBC
// packet gets a clear error and every IBC query finds nothing.
type noIBC struct{}

var (
	_ wasmtypes.ChannelKeeper           = noIBC{}
	_ wasmtypes.ChannelKeeperV2         = noIBCV2{}
	_ wasmtypes.ICS20TransferPortSource = noIBC{}
)

func (noIBC) GetChannel(sdk.Context, string, string) (channeltypes.Channel, bool) {
	return channeltypes.Channel{}, false
}

func (noIBC) GetNextSequenceSend(sdk.Context, string, string) (uint64, bool) { return 0, false }

func (noIBC) ChanCloseInit(sdk.Context, string, string) error { return errIBCDisabled }

func (noIBC) GetAllChannels(sdk.Context) []channeltypes.IdentifiedChannel { return nil }

func (noIBC) SetChannel(sdk.Context, string, string, channeltypes.Channel) {}

func (noIBC) GetAllChannelsWithPortPrefix(sdk.Context, string) []channeltypes.IdentifiedChannel {
	return nil
}

func (noIBC) SendPacket(sdk.Context, string, string, clienttypes.Height, uint64, []byte) (uint64, error) {
	return 0, errIBCDisabled
}

func (noIBC) WriteAcknowledgement(sdk.Context, ibcexported.PacketI, ibcexported.Acknowledgement) error {
	return errIBCDisabled
}

func (noIBC) GetAppVersion(sdk.Context, string, string) (string, bool) { return "", false }

func (noIBC) GetPort(sdk.Context) string { return "" }

// noIBCV2 answers the IBC v2 channel keeper; its WriteAcknowledgement has a
// different signature from v1's, hence a second type.
type noIBCV2 struct{}

func (noIBCV2) WriteAcknowledgement(sdk.Context, string, uint64, channeltypesv2.Acknowledgement) error {
	return errIBCDisabled
}

func (noIBCV2) GetAsyncPacket(sdk.Context, string, uint64) (channeltypesv2.Packet, bool) {
	return channeltypesv2.Packet{}, false
}
