package oracle

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives `cleard tx oracle ...` and `cleard query oracle ...`.
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
			Service: "clearchain.oracle.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the oracle params"},
				{RpcMethod: "Feeds", Use: "feeds", Short: "List the feed registry"},
				{RpcMethod: "Feed", Use: "feed [feed-id]", Short: "Show a feed's settings", PositionalArgs: pos("feed_id")},
				{RpcMethod: "Price", Use: "price [feed-id]", Short: "Show a feed's price and status (e.g. CLEAR/USD)", PositionalArgs: pos("feed_id")},
				{RpcMethod: "History", Use: "history [feed-id]", Short: "Show a feed's recent prices, oldest first", PositionalArgs: pos("feed_id")},
				{RpcMethod: "TWAP", Use: "twap [feed-id] [window-seconds]", Short: "Time-weighted average price over a window", PositionalArgs: pos("feed_id", "window_seconds")},
				{RpcMethod: "Status", Use: "status [feed-id]", Short: "Is the feed's price fresh, and if not why", PositionalArgs: pos("feed_id")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "clearchain.oracle.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},  // governance only
				{RpcMethod: "SetFeed", Skip: true},       // governance only (a gov proposal carries MsgSetFeed)
				{RpcMethod: "RemoveFeed", Skip: true},    // governance only
				{RpcMethod: "InjectedVotes", Skip: true}, // proposer's injected tx only, never executed
				{
					RpcMethod: "SubmitPrice", Use: "submit-price [feed-id] [price]",
					Short:          "Submit a licensed feed's price (ORACLE_FEEDER): the fixed-point mantissa in the feed's decimals",
					PositionalArgs: pos("feed_id", "price"),
				},
			},
		},
	}
}
