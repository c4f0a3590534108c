package assets

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `cleard tx assets ...` and `cleard query assets ...`.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	pos := func(fields ...string) []*autocliv1.PositionalArgDescriptor {
		out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
		for i, f := range fields {
			out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
		}
		return out
	}
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "clearchain.assets.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Asset", Use: "asset [denom]", Short: "Show an asset", PositionalArgs: pos("denom")},
				{RpcMethod: "Assets", Use: "assets", Short: "List every asset"},
				{RpcMethod: "AssetsByIssuer", Use: "assets-by-issuer [issuer]", Short: "List an issuer's assets", PositionalArgs: pos("issuer")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "clearchain.assets.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "CreateAsset", Use: "create [symbol] [name] [class]",
					Short: "Create asset/{issuer}/{symbol} (licensed ISSUER); class: data-asset green-credit cash other; " +
						"--decimals --uri --uri-hash --restricted --supply-cap",
					PositionalArgs: pos("symbol", "name", "class"),
				},
				{RpcMethod: "Mint", Use: "mint [denom] [amount] [recipient]", Short: "Mint to a recipient (admin)", PositionalArgs: pos("denom", "amount", "recipient")},
				{RpcMethod: "Burn", Use: "burn [denom] [amount]", Short: "Burn from the admin's balance (admin)", PositionalArgs: pos("denom", "amount")},
				{RpcMethod: "SetPaused", Use: "set-paused [denom] [true|false]", Short: "Pause or resume an asset (admin)", PositionalArgs: pos("denom", "paused")},
				{RpcMethod: "TransferAdmin", Use: "transfer-admin [denom] [new-admin]", Short: "Hand the admin rights to an account or contract (admin)", PositionalArgs: pos("denom", "new_admin")},
			},
		},
	}
}
