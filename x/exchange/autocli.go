package exchange

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// AutoCLIOptions gives the tx and query commands (see README.md).
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			// The module's GetQueryCmd adds trade-register (client/cli).
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "The exchange params"},
				{RpcMethod: "Markets", Use: "markets", Short: "List the markets"},
				{RpcMethod: "Market", Use: "market [market-id]", Short: "A market and its state",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Depth", Use: "depth [market-id]", Short: "L2 depth (--levels N)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Order", Use: "order [order-id]", Short: "A live order",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "order_id"}}},
				{RpcMethod: "OrdersByOwner", Use: "orders [owner]", Short: "An account's live orders (--market-id)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}}},
				{RpcMethod: "Balances", Use: "balances [address]", Short: "An account's exchange balances",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				{RpcMethod: "Trades", Use: "trades [market-id]", Short: "Recent trades, newest first",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Stats", Use: "stats [market-id]", Short: "Last price, volume, best bid/ask",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "OrderStatus", Use: "order-status [order-id]",
					Short:          "An order's status: open, or filled/cancelled/expired/rejected with its reason (kept status_window_blocks blocks)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "order_id"}}},
				{RpcMethod: "OrderStatusByClientID", Use: "order-status-by-client-id [owner] [client-order-id]",
					Short:          "The status of an owner's order named by its client order id",
					Example:        `cleard q exchange order-status-by-client-id clear1... bid-42`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}, {ProtoField: "client_order_id"}}},
				{RpcMethod: "RateLimit", Use: "rate-limit [address]",
					Short:          "An account's order rate limit: orders used in the current window, the limit, refusals (window and total), the window",
					Example:        `cleard q exchange rate-limit clear1...`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true, // beside place-lane (client/cli/lane.go)
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // governance proposal
				{RpcMethod: "CreateMarket", Use: "create-market [market-json]", Short: "List a market (authority)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market"}}},
				{RpcMethod: "UpdateMarket", Use: "update-market [market-id]", Short: "Change a market's status, min notional, band, circuit breaker, limit state or oracle feed (authority)",
					Example: `cleard tx exchange update-market 1 --update-oracle --oracle-feed WTHR/EURC --oracle-exponent 6 --from regulator
cleard tx exchange update-market 1 --update-breaker --breaker-bps 1000 --breaker-window-blocks 20 --update-limit-state --limit-state-blocks 5 --from regulator`,
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"update_oracle":      {Usage: "replace the market's oracle feed and exponent (no --oracle-feed: the market bands on no feed)"},
						"oracle_feed":        {Usage: "x/oracle feed id the market bands on (must be registered)"},
						"oracle_exponent":    {Usage: "10^exponent scales the feed's price to quote units per base unit (quote display exponent - base display exponent)"},
						"update_limit_state": {Usage: "replace limit_state_blocks"},
						"limit_state_blocks": {Usage: "blocks of the circuit breaker's limit state before a pause (0: pause at once)"},
					},
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Deposit", Use: "deposit [amount]", Short: "Deposit coins into the exchange",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "amount"}}},
				{RpcMethod: "Withdraw", Use: "withdraw [amount]", Short: "Withdraw free exchange balance",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "amount"}}},
				{RpcMethod: "PlaceOrder", Use: "place [order-json]", Short: "Place an order",
					Example:        `cleard tx exchange place '{"market_id":1,"side":"SIDE_BUY","price":500,"quantity":10}' --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "order"}}},
				{RpcMethod: "CancelOrder", Use: "cancel [market-id] [order-id]",
					Short: "Cancel an order, by id or (order-id 0) by --client-order-id",
					Example: `cleard tx exchange cancel 1 42 --from alice
cleard tx exchange cancel 1 0 --client-order-id bid-7 --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "order_id"}}},
				{RpcMethod: "CancelReplace", Use: "cancel-replace [market-id] [order-id] [price] [total-quantity]",
					Short: "Change an order's price and TOTAL quantity (fills included), by id or (order-id 0) by --client-order-id",
					Long: "The quantity is the order's new total quantity, filled lots included (as FIX's OrderQty): its open quantity " +
						"becomes total minus fills when the block runs it (nothing left cancels it). A smaller open quantity at the same " +
						"price keeps time priority. The tx locks only the net increase of the order's lock.",
					Example: `cleard tx exchange cancel-replace 1 42 505 8 --from alice
cleard tx exchange cancel-replace 1 0 505 8 --client-order-id bid-7 --from alice`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}, {ProtoField: "order_id"}, {ProtoField: "price"}, {ProtoField: "quantity"}}},
				{RpcMethod: "MassCancel", Use: "mass-cancel [market-id]", Short: "Cancel all your orders of a market (0: all markets; --side)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "market_id"}}},
				{RpcMethod: "Batch", Use: "batch", Short: "Many cancels then places in one tx (--cancels, --places as JSON; --best-effort: a refused item does not fail the others)",
					Long: "Cancels run first and the locks of the orders they cancel fund the places. Atomic by default (any refusal fails the tx); " +
						"with --best-effort each item stands alone and the response has one result per item (order id, or error code and message)."},
				{RpcMethod: "Heartbeat", Use: "heartbeat [window-blocks]", Short: "Arm or renew the dead-man switch (0 disarms)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "window_blocks"}}},
				{RpcMethod: "ForceCancel", Use: "force-cancel [reason]",
					Short: "Regulator: cancel an order (--market-id --order-id), all orders of an account (--account) or of a legal entity (--entity-id)",
					Example: `cleard tx exchange force-cancel "market abuse investigation" --account clear1... --from regulator
cleard tx exchange force-cancel "erroneous order" --market-id 1 --order-id 42 --from regulator
cleard tx exchange force-cancel "sanctions" --entity-id 7 --from regulator`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "reason"}}},
			},
		},
	}
}
