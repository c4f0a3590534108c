package app

import (
	"encoding/json"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/CosmWasm/wasmd/x/wasm"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// GenesisState is the app state of the genesis file, one raw JSON message
// per module.
type GenesisState map[string]json.RawMessage

// DefaultGenesis returns the chain's default genesis: the modules' defaults,
// with uclear as bond and deposit denom (set in init below) and wasm code
// upload and instantiation permissioned (see wasmBasic).
func (app *ClearApp) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

func init() {
	// The stock modules read their default denom from here.
	sdk.DefaultBondDenom = BondDenom
}

// wasmBasic is wasm's module basic with ClearChain's default genesis.
//
// Code upload: wasm's access lists are static and cannot follow the licence
// register, so upload stays open at the wasm level and the compliance gate
// decides: MsgStoreCode (and its variants) needs a licence with ISSUER, in
// the ante for a tx's messages and in the message router for everything
// else; contracts may not upload code at all (wasm.go's allow list);
// governance (the gov module account) passes as an authority.
//
// Instantiation: the default instantiate permission of new code is
// AnyOfAddresses, which wasm resolves to the uploader: only the issuer who
// stored the code (and governance) may instantiate it, unless it lists
// further addresses; the gate also requires ISSUER for every instantiation.
type wasmBasic struct{ wasm.AppModuleBasic }

// DefaultGenesis returns wasm's default genesis with the permissions above.
func (b wasmBasic) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	var gen wasmtypes.GenesisState
	if err := cdc.UnmarshalJSON(b.AppModuleBasic.DefaultGenesis(cdc), &gen); err != nil {
		panic(fmt.Sprintf("app: decoding wasm default genesis: %v", err)) // static data
	}
	gen.Params.CodeUploadAccess = wasmtypes.AllowEverybody
	gen.Params.InstantiateDefaultPermission = wasmtypes.AccessTypeAnyOfAddresses
	return cdc.MustMarshalJSON(&gen)
}
