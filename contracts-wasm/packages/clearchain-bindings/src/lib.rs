//! Custom messages and queries of ClearChain's native modules for CosmWasm
//! contracts.
//!
//! A contract returns `Response<ClearChainMsg>` to act on x/assets (create,
//! mint, burn the assets it administers) and x/exchange (place and cancel
//! its own orders), and reads x/compliance, x/oracle and x/exchange through
//! `Deps<ClearChainQuery>`. The chain decodes the same JSON in
//! `app/wasm_bindings.go`; golden files in `testdata/` pin the wire format on
//! both sides. The chain applies the same rules to a contract as to any
//! account: a contract that creates or mints assets needs its own ISSUER
//! licence, and a contract that trades needs a trading licence.
//!
//! This crate must not define an ABI of its own: everything goes through
//! `CosmosMsg::Custom` and `QueryRequest::Custom` of cosmwasm-std.

mod msg;
mod query;

pub use msg::{AssetClass, ClearChainMsg, OrderSide, TimeInForce};
pub use query::{
    BookTopResponse, ClearChainQuerier, ClearChainQuery, EligibilityResponse, MarketInfoResponse,
    OraclePriceResponse, OrderStatusResponse, PendingMovesResponse, PriceLevel, ShareMove,
};

/// The bank denom x/assets gives the asset `symbol` created by `issuer`.
pub fn asset_denom(issuer: &str, symbol: &str) -> String {
    format!("asset/{issuer}/{symbol}")
}

#[cfg(feature = "multitest")]
pub mod multitest;
