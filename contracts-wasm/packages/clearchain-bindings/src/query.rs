use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{CustomQuery, Int128, QuerierWrapper, QueryRequest, StdResult, Uint128, Uint64};

/// A query of ClearChain's native modules, sent as `QueryRequest::Custom`.
#[cw_serde]
#[derive(QueryResponses)]
pub enum ClearChainQuery {
    /// x/compliance: may `address` do `action` on `subject`? Actions:
    /// "trade" (subject a market or denom), "hold" (subject a denom) or a
    /// licence role such as "ISSUER" or "REGULATOR" (subject optional).
    #[returns(EligibilityResponse)]
    Eligibility {
        address: String,
        action: String,
        subject: String,
    },
    /// x/oracle: the fresh price of a feed.
    #[returns(OraclePriceResponse)]
    OraclePrice { feed_id: String },
    /// x/exchange: a market's denoms, sizes and status.
    #[returns(MarketInfoResponse)]
    MarketInfo { market_id: u64 },
    /// x/exchange: the best bid and ask of a market.
    #[returns(BookTopResponse)]
    BookTop { market_id: u64 },
    /// x/assets: bank moves of the data-asset denoms `admin` administers
    /// (oldest first, after sequence `start_after`, at most `limit`, at most
    /// 100), recorded by x/assets' send restriction without running any
    /// contract code. A contract pulls them and acknowledges them with
    /// `ClearChainMsg::AckMoves`.
    #[returns(PendingMovesResponse)]
    PendingMoves {
        admin: String,
        start_after: u64,
        limit: u32,
    },
    /// x/exchange: the status of `owner`'s order named by its client order
    /// id. For an order placed with `track` (see `ClearChainMsg::PlaceOrder`)
    /// the exchange's settlement record, kept until `ClearChainMsg::AckOrder`
    /// (then `tracked` is true and the amounts are set); otherwise the open
    /// order, else the latest finished one still kept (for the exchange's
    /// `status_window_blocks` after it finished).
    #[returns(OrderStatusResponse)]
    OrderStatus { owner: String, client_order_id: String },
}

impl CustomQuery for ClearChainQuery {}

/// Answer to [`ClearChainQuery::Eligibility`].
#[cw_serde]
pub struct EligibilityResponse {
    pub eligible: bool,
    /// "eligible", or why not.
    pub reason: String,
}

/// Answer to [`ClearChainQuery::OraclePrice`].
#[cw_serde]
pub struct OraclePriceResponse {
    /// False when the feed has no fresh price; then `price` is 0.
    pub ok: bool,
    /// Fixed-point mantissa.
    pub price: Uint64,
    pub decimals: u32,
}

/// Answer to [`ClearChainQuery::MarketInfo`].
#[cw_serde]
pub struct MarketInfoResponse {
    pub market_id: u64,
    pub base_denom: String,
    pub quote_denom: String,
    /// Quote amount of one tick per lot.
    pub tick_size: Uint128,
    /// Base amount of one lot.
    pub lot_size: Uint128,
    /// Market status as x/exchange names it (e.g. "MARKET_STATUS_ACTIVE").
    pub status: String,
    /// Fee of a maker fill in basis points of its notional (negative: a
    /// rebate, paid only to MARKET_MAKER accounts).
    pub maker_fee_bps: i32,
}

/// One price level of a book.
#[cw_serde]
pub struct PriceLevel {
    /// Price in ticks.
    pub price: Uint64,
    /// Resting quantity in lots.
    pub quantity: Uint64,
}

/// Answer to [`ClearChainQuery::BookTop`].
#[cw_serde]
pub struct BookTopResponse {
    pub market_id: u64,
    pub best_bid: Option<PriceLevel>,
    pub best_ask: Option<PriceLevel>,
}

/// One bank move of an administered denom. `from` or `to` is empty for a
/// module account (minting, burning, x/exchange escrow: deposits and
/// withdrawals).
#[cw_serde]
pub struct ShareMove {
    pub seq: u64,
    pub denom: String,
    pub from: String,
    pub to: String,
    pub amount: Uint128,
    pub height: u64,
}

/// Answer to [`ClearChainQuery::PendingMoves`].
#[cw_serde]
pub struct PendingMovesResponse {
    pub moves: Vec<ShareMove>,
    /// Moves left after these (the queue's length beyond them).
    pub more: bool,
    /// The sequence of the last move ever queued for `admin` (0: none):
    /// every move up to it happened before this query.
    pub last_seq: u64,
}

/// Answer to [`ClearChainQuery::OrderStatus`].
#[cw_serde]
pub struct OrderStatusResponse {
    /// False when the exchange has no open order and no kept status with
    /// that client order id; the other fields are then zero.
    pub found: bool,
    pub order_id: u64,
    pub market_id: u64,
    /// "open" (queued or in the book), "filled", "cancelled", "expired" or
    /// "rejected".
    pub state: String,
    /// Limit price in ticks.
    pub price: Uint64,
    /// Total quantity in lots (filled plus open, or plus what ended
    /// unfilled).
    pub quantity: Uint64,
    /// Lots filled so far.
    pub filled_quantity: Uint64,
    /// The answer is the settlement record of a tracked order: the amounts
    /// below are exact. False: they are zero.
    #[serde(default)]
    pub tracked: bool,
    /// Sum of the fills' notionals (price × lots × tick), in quote units.
    #[serde(default)]
    pub quote_filled: Uint128,
    /// Sum of the fees the order paid, in quote units, exactly as the
    /// exchange charged them fill by fill (negative: a rebate received). A
    /// sell order received `quote_filled - fees_paid`; a buy order paid
    /// `quote_filled + fees_paid`.
    #[serde(default)]
    pub fees_paid: Int128,
}

/// Typed helpers over a querier of [`ClearChainQuery`].
pub struct ClearChainQuerier<'a> {
    q: &'a QuerierWrapper<'a, ClearChainQuery>,
}

impl<'a> ClearChainQuerier<'a> {
    pub fn new(q: &'a QuerierWrapper<'a, ClearChainQuery>) -> Self {
        Self { q }
    }

    pub fn eligibility(&self, address: &str, action: &str, subject: &str) -> StdResult<EligibilityResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::Eligibility {
            address: address.to_string(),
            action: action.to_string(),
            subject: subject.to_string(),
        }))
    }

    pub fn oracle_price(&self, feed_id: &str) -> StdResult<OraclePriceResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::OraclePrice {
            feed_id: feed_id.to_string(),
        }))
    }

    pub fn market_info(&self, market_id: u64) -> StdResult<MarketInfoResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::MarketInfo { market_id }))
    }

    pub fn book_top(&self, market_id: u64) -> StdResult<BookTopResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::BookTop { market_id }))
    }

    pub fn order_status(&self, owner: &str, client_order_id: &str) -> StdResult<OrderStatusResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::OrderStatus {
            owner: owner.to_string(),
            client_order_id: client_order_id.to_string(),
        }))
    }

    pub fn pending_moves(&self, admin: &str, start_after: u64, limit: u32) -> StdResult<PendingMovesResponse> {
        self.q.query(&QueryRequest::Custom(ClearChainQuery::PendingMoves {
            admin: admin.to_string(),
            start_after,
            limit,
        }))
    }
}
