use cosmwasm_schema::cw_serde;
use cosmwasm_std::{CosmosMsg, CustomMsg, Uint128, Uint64};

/// A message of ClearChain's native modules, sent by a contract as
/// `CosmosMsg::Custom`. The contract is the actor of every message.
#[cw_serde]
pub enum ClearChainMsg {
    /// Creates the x/assets asset `asset/{contract}/{symbol}`; the contract
    /// is its issuer and first admin (it needs an ISSUER licence).
    CreateAsset {
        /// `[a-z][a-z0-9]{2,15}`.
        symbol: String,
        /// Display name.
        name: String,
        /// Exponent of the display unit (at most 18).
        decimals: u32,
        /// Metadata URI (may be empty).
        uri: String,
        /// Hex hash of the document at `uri` (may be empty).
        uri_hash: String,
        /// The x/assets class.
        class: AssetClass,
        /// Only eligible holders may hold a restricted asset.
        restricted: bool,
        /// Largest supply (0: uncapped).
        supply_cap: Uint128,
    },
    /// Mints `amount` of an asset the contract administers to `recipient`.
    Mint {
        denom: String,
        amount: Uint128,
        recipient: String,
    },
    /// Burns `amount` of an asset the contract administers from the
    /// contract's own balance.
    Burn { denom: String, amount: Uint128 },
    /// Places a limit order of the contract on x/exchange.
    PlaceOrder {
        market_id: u64,
        side: OrderSide,
        /// Limit price in ticks.
        price: Uint64,
        /// Quantity in lots.
        quantity: Uint64,
        time_in_force: TimeInForce,
        /// The contract's own reference (at most 64 bytes, may be empty).
        client_order_id: String,
        /// Refused instead of taking liquidity: every fill of a post-only
        /// order is a maker fill at its limit price.
        post_only: bool,
        /// Asks x/exchange to keep the order's settlement record (lots,
        /// notional and fees, exactly as settled; `ClearChainQuery::OrderStatus`)
        /// until the contract acknowledges it with `AckOrder` — not only for
        /// the status window. Needs a client order id with no record left.
        #[serde(default)]
        track: bool,
    },
    /// Cancels one of the contract's orders, named by `order_id` or, when
    /// `order_id` is 0, by the contract's `client_order_id`.
    CancelOrder {
        market_id: u64,
        order_id: u64,
        client_order_id: String,
    },
    /// Moves `amount` of `denom` from the contract's bank balance to its
    /// x/exchange balance (what its sell or buy orders lock). The contract
    /// needs a trading licence (INSTITUTION or MARKET_MAKER).
    Deposit { denom: String, amount: Uint128 },
    /// Moves `amount` of `denom` of the contract's free x/exchange balance
    /// back to its bank balance.
    Withdraw { denom: String, amount: Uint128 },
    /// Drops the share moves of the assets the contract administers up to
    /// and including `up_to` from x/assets' queue (see
    /// `ClearChainQuery::PendingMoves`), at most 200 of them per message.
    AckMoves { up_to: u64 },
    /// Drops the settlement record of the contract's finished tracked order
    /// `client_order_id` (refused while the order is open).
    AckOrder { client_order_id: String },
}

impl CustomMsg for ClearChainMsg {}

impl From<ClearChainMsg> for CosmosMsg<ClearChainMsg> {
    fn from(m: ClearChainMsg) -> Self {
        CosmosMsg::Custom(m)
    }
}

/// Order side.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum OrderSide {
    Buy,
    Sell,
}

/// How long an order lives.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum TimeInForce {
    /// Good until cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
}

/// The class of an x/assets asset.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum AssetClass {
    DataAsset,
    GreenCredit,
    Cash,
    Other,
}
