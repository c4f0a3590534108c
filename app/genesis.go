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
// upload permissioned (see wasmBasic).
func (app *ClearApp) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

func init() {
	// The stock modules read their default denom from here.
	sdk.DefaultBondDenom = BondDenom
}

// wasmBasic is wasm's module basic with ClearChain's default genesis. Code
// upload is open at the wasm level and gated by x/compliance's ante gate:
// only licensed ISSUER accounts (and governance, which bypasses the ante) can
// store or instantiate code, so `cleard init` writes a permissioned chain.
type wasmBasic struct{ wasm.AppModuleBasic }

// DefaultGenesis returns wasm's default genesis, upload left to the gate.
func (b wasmBasic) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	var gen wasmtypes.GenesisState
	if err := cdc.UnmarshalJSON(b.AppModuleBasic.DefaultGenesis(cdc), &gen); err != nil {
		panic(fmt.Sprintf("app: decoding wasm default genesis: %v", err)) // static data
	}
	gen.Params.CodeUploadAccess = wasmtypes.AllowEverybody
	gen.Params.InstantiateDefaultPermission = wasmtypes.AccessTypeEverybody
	return cdc.MustMarshalJSON(&gen)
}
