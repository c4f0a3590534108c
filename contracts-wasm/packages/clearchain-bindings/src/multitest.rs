//! A cw-multi-test stand-in for ClearChain's native modules, for the host
//! tests of contracts (feature `multitest`). It keeps the rules a contract
//! meets on chain that the contracts' own tests depend on — ISSUER licence
//! to create and mint, admin-only mint and burn, supply caps, frozen
//! accounts not eligible, the queue of share moves (mints are recorded;
//! tests record bank moves with `ChainModule::record_move`, as x/assets'
//! send restriction does on chain) — and a minimal x/exchange: markets the
//! test adds, exchange balances moved by deposits and withdrawals (through
//! the bank account `escrow`), sell orders that lock their base, fills the
//! test makes (`ChainModule::fill`: a maker fill at the order's limit price,
//! the quote credited to the seller's exchange balance; the test mints that
//! quote to `escrow`, standing for the buyer's deposit) and order statuses.
//! No matching: the real engine runs in the Go tests (app/contracts_test.go).

use cosmwasm_std::{
    to_json_binary, Addr, Api, BankMsg, Binary, BlockInfo, Coin, CosmosMsg, CustomMsg, CustomQuery, Empty,
    Querier, StdError, StdResult, Storage, Uint128, Uint256, Uint64,
};
use cw_multi_test::{AppResponse, BankSudo, CosmosRouter, Module, SudoMsg};
use cw_storage_plus::Map;
use serde::de::DeserializeOwned;

use crate::{
    asset_denom, ClearChainMsg, ClearChainQuery, EligibilityResponse, MarketInfoResponse, OraclePriceResponse,
    OrderSide, OrderStatusResponse, PendingMovesResponse, ShareMove,
};

/// The bank account holding the emulated exchange's deposits.
pub fn escrow(api: &dyn Api) -> Addr {
    api.addr_humanize(&cosmwasm_std::CanonicalAddr::from(vec![0xee; 32])).expect("escrow address")
}

const ASSETS: Map<&str, (String, Uint128, Uint128)> = Map::new("clearchain_mock_assets"); // denom → (admin, cap, supply)
const ROLES: Map<(&str, &str), ()> = Map::new("clearchain_mock_roles"); // (address, ROLE)
const FROZEN: Map<&str, ()> = Map::new("clearchain_mock_frozen");
const PRICES: Map<&str, (u64, u32)> = Map::new("clearchain_mock_prices");
const MOVES: Map<(&str, u64), ShareMove> = Map::new("clearchain_mock_moves"); // (admin, seq)
const NEXT_MOVE: Map<&str, u64> = Map::new("clearchain_mock_next_move");
const MARKETS: Map<u64, MarketInfoResponse> = Map::new("clearchain_mock_markets");
const XBAL: Map<(&str, &str), Uint128> = Map::new("clearchain_mock_xbal"); // (owner, denom) → free exchange balance
const ORDERS: Map<(&str, &str), OrderStatusResponse> = Map::new("clearchain_mock_orders"); // (owner, client id)
const NEXT_ORDER: cw_storage_plus::Item<u64> = cw_storage_plus::Item::new("clearchain_mock_next_order");

/// The native modules as a cw-multi-test custom module.
#[derive(Default)]
pub struct ChainModule;

impl ChainModule {
    /// Grants `role` ("ISSUER", "REGULATOR", "TRADER", …) to `addr`.
    pub fn grant(storage: &mut dyn Storage, addr: &Addr, role: &str) {
        ROLES.save(storage, (addr.as_str(), role), &()).unwrap();
    }
    /// Freezes `addr`: it is no longer eligible for anything.
    pub fn freeze(storage: &mut dyn Storage, addr: &Addr) {
        FROZEN.save(storage, addr.as_str(), &()).unwrap();
    }
    /// Sets a feed's price.
    pub fn set_price(storage: &mut dyn Storage, feed: &str, price: u64, decimals: u32) {
        PRICES.save(storage, feed, &(price, decimals)).unwrap();
    }

    /// Records a bank move of `denom` (administered by `admin`) as x/assets'
    /// send restriction does on chain; "" stands for a module account.
    pub fn record_move(storage: &mut dyn Storage, admin: &Addr, denom: &str, from: &str, to: &str, amount: u128) {
        let seq = NEXT_MOVE.may_load(storage, admin.as_str()).unwrap().unwrap_or(1);
        NEXT_MOVE.save(storage, admin.as_str(), &(seq + 1)).unwrap();
        let m = ShareMove {
            seq,
            denom: denom.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            amount: Uint128::new(amount),
            height: 0,
        };
        MOVES.save(storage, (admin.as_str(), seq), &m).unwrap();
    }

    /// Adds (or replaces) an x/exchange market.
    pub fn add_market(storage: &mut dyn Storage, m: MarketInfoResponse) {
        MARKETS.save(storage, m.market_id, &m).unwrap();
    }

    /// `owner`'s free exchange balance of `denom`.
    pub fn exchange_balance(storage: &dyn Storage, owner: &Addr, denom: &str) -> u128 {
        XBAL.may_load(storage, (owner.as_str(), denom)).unwrap().unwrap_or_default().u128()
    }

    /// Fills `lots` more of `owner`'s open sell order `client_order_id` as a
    /// maker at its limit price: its quote (notional less the maker fee,
    /// rounded up, when the fee is positive) is credited to the owner's
    /// exchange balance. The test mints that quote to `escrow`.
    pub fn fill(storage: &mut dyn Storage, owner: &Addr, client_order_id: &str, lots: u64) -> u128 {
        let mut o = ORDERS.load(storage, (owner.as_str(), client_order_id)).unwrap();
        assert_eq!(o.state, "open", "fill of a finished order");
        assert!(o.filled_quantity.u64() + lots <= o.quantity.u64(), "overfill");
        let m = MARKETS.load(storage, o.market_id).unwrap();
        let notional = u128::from(lots) * u128::from(o.price.u64()) * m.tick_size.u128();
        let fee = if m.maker_fee_bps > 0 {
            (notional * m.maker_fee_bps as u128).div_ceil(10_000)
        } else {
            0
        };
        let net = notional - fee;
        let b = Self::exchange_balance(storage, owner, &m.quote_denom);
        XBAL.save(storage, (owner.as_str(), &m.quote_denom), &Uint128::new(b + net)).unwrap();
        o.filled_quantity = Uint64::new(o.filled_quantity.u64() + lots);
        if o.tracked {
            o.quote_filled += Uint128::new(notional);
            o.fees_paid += cosmwasm_std::Int128::new(fee as i128);
        }
        if o.filled_quantity == o.quantity {
            o.state = "filled".into();
        }
        ORDERS.save(storage, (owner.as_str(), client_order_id), &o).unwrap();
        net
    }

    /// Forgets every finished order status, as x/exchange does once its
    /// status window has passed — except the settlement records of tracked
    /// orders, kept until acknowledged.
    pub fn prune_statuses(storage: &mut dyn Storage) {
        let done = ORDERS
            .range(storage, None, None, cosmwasm_std::Order::Ascending)
            .filter_map(|r| r.ok())
            .filter(|(_, o)| o.state != "open" && !o.tracked)
            .map(|(k, _)| k)
            .collect::<Vec<_>>();
        for (owner, cid) in done {
            ORDERS.remove(storage, (&owner, &cid));
        }
    }

    fn move_xbal(storage: &mut dyn Storage, owner: &str, denom: &str, add: Uint128, sub: Uint128) -> StdResult<()> {
        let b = XBAL.may_load(storage, (owner, denom))?.unwrap_or_default();
        let b = b.checked_add(add)?.checked_sub(sub).map_err(|_| {
            StdError::msg(format!("exchange: {owner} has {b}{denom} free, {sub} needed"))
        })?;
        XBAL.save(storage, (owner, denom), &b)
    }

    /// Records a move of an administered denom, as x/assets does.
    fn record_if_asset(storage: &mut dyn Storage, denom: &str, from: &str, to: &str, amount: Uint128) -> StdResult<()> {
        if let Some((admin, _, _)) = ASSETS.may_load(storage, denom)? {
            Self::record_move(storage, &Addr::unchecked(admin), denom, from, to, amount.u128());
        }
        Ok(())
    }

    fn eligible(storage: &dyn Storage, addr: &str, action: &str) -> EligibilityResponse {
        let deny = |reason: String| EligibilityResponse {
            eligible: false,
            reason,
        };
        if FROZEN.has(storage, addr) {
            return deny(format!("account {addr} is frozen"));
        }
        match action {
            "hold" | "trade" => EligibilityResponse {
                eligible: true,
                reason: "eligible".into(),
            },
            role if ROLES.has(storage, (addr, &role.to_uppercase())) => EligibilityResponse {
                eligible: true,
                reason: "eligible".into(),
            },
            role => deny(format!("account {addr} lacks licence role {role}")),
        }
    }

    fn require_issuer(storage: &dyn Storage, addr: &Addr) -> StdResult<()> {
        let e = Self::eligible(storage, addr.as_str(), "ISSUER");
        if e.eligible {
            Ok(())
        } else {
            Err(StdError::msg(format!("assets: {}", e.reason)))
        }
    }
}

impl Module for ChainModule {
    type ExecT = ClearChainMsg;
    type QueryT = ClearChainQuery;
    type SudoT = Empty;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: ClearChainMsg,
    ) -> StdResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        match msg {
            ClearChainMsg::CreateAsset {
                symbol, supply_cap, ..
            } => {
                Self::require_issuer(storage, &sender)?;
                let ok = symbol.len() >= 3
                    && symbol.len() <= 16
                    && symbol.starts_with(|c: char| c.is_ascii_lowercase())
                    && symbol.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
                if !ok {
                    return Err(StdError::msg(format!("assets: invalid symbol {symbol}")));
                }
                let denom = asset_denom(sender.as_str(), &symbol);
                if ASSETS.has(storage, &denom) {
                    return Err(StdError::msg(format!("assets: {denom} exists")));
                }
                ASSETS.save(storage, &denom, &(sender.to_string(), supply_cap, Uint128::zero()))?;
                Ok(AppResponse::default())
            }
            ClearChainMsg::Mint {
                denom,
                amount,
                recipient,
            } => {
                Self::require_issuer(storage, &sender)?;
                let (admin, cap, supply) = ASSETS.load(storage, &denom)?;
                if admin != sender.as_str() {
                    return Err(StdError::msg(format!("assets: {sender} is not the admin of {denom}")));
                }
                if amount.is_zero() {
                    return Err(StdError::msg("assets: amount must be positive"));
                }
                let supply = supply.checked_add(amount)?;
                if !cap.is_zero() && supply > cap {
                    return Err(StdError::msg(format!("assets: supply {supply} above cap {cap}")));
                }
                ASSETS.save(storage, &denom, &(admin, cap, supply))?;
                api.addr_validate(&recipient)?;
                Self::record_move(storage, &sender, &denom, "", &recipient, amount.u128());
                router.sudo(
                    api,
                    storage,
                    block,
                    SudoMsg::Bank(BankSudo::Mint {
                        to_address: recipient,
                        amount: vec![Coin::new(Uint256::from(amount), denom)],
                    }),
                )
            }
            ClearChainMsg::Burn { denom, amount } => {
                Self::require_issuer(storage, &sender)?;
                let (admin, cap, supply) = ASSETS.load(storage, &denom)?;
                if admin != sender.as_str() {
                    return Err(StdError::msg(format!("assets: {sender} is not the admin of {denom}")));
                }
                ASSETS.save(storage, &denom, &(admin, cap, supply.checked_sub(amount)?))?;
                router.execute(
                    api,
                    storage,
                    block,
                    sender,
                    CosmosMsg::Bank(BankMsg::Burn {
                        amount: vec![Coin::new(Uint256::from(amount), denom)],
                    }),
                )
            }
            ClearChainMsg::AckMoves { up_to } => {
                let keys = MOVES
                    .prefix(sender.as_str())
                    .keys(storage, None, Some(cw_storage_plus::Bound::inclusive(up_to)), cosmwasm_std::Order::Ascending)
                    .take(200)
                    .collect::<StdResult<Vec<_>>>()?;
                for k in keys {
                    MOVES.remove(storage, (sender.as_str(), k));
                }
                Ok(AppResponse::default())
            }
            ClearChainMsg::AckOrder { client_order_id } => {
                let o = ORDERS
                    .may_load(storage, (sender.as_str(), &client_order_id))?
                    .filter(|o| o.tracked)
                    .ok_or_else(|| StdError::msg(format!("exchange: no record under {client_order_id}")))?;
                if o.state == "open" {
                    return Err(StdError::msg(format!("exchange: order {} is still open", o.order_id)));
                }
                ORDERS.remove(storage, (sender.as_str(), &client_order_id));
                Ok(AppResponse::default())
            }
            ClearChainMsg::Deposit { denom, amount } => {
                let r = router.execute(
                    api,
                    storage,
                    block,
                    sender.clone(),
                    CosmosMsg::Bank(BankMsg::Send {
                        to_address: escrow(api).to_string(),
                        amount: vec![Coin::new(Uint256::from(amount), denom.clone())],
                    }),
                )?;
                Self::move_xbal(storage, sender.as_str(), &denom, amount, Uint128::zero())?;
                Self::record_if_asset(storage, &denom, sender.as_str(), "", amount)?;
                Ok(r)
            }
            ClearChainMsg::Withdraw { denom, amount } => {
                Self::move_xbal(storage, sender.as_str(), &denom, Uint128::zero(), amount)?;
                let r = router.execute(
                    api,
                    storage,
                    block,
                    escrow(api),
                    CosmosMsg::Bank(BankMsg::Send {
                        to_address: sender.to_string(),
                        amount: vec![Coin::new(Uint256::from(amount), denom.clone())],
                    }),
                )?;
                Self::record_if_asset(storage, &denom, "", sender.as_str(), amount)?;
                Ok(r)
            }
            ClearChainMsg::PlaceOrder {
                market_id,
                side,
                price,
                quantity,
                client_order_id,
                track,
                ..
            } => {
                let m = MARKETS
                    .may_load(storage, market_id)?
                    .ok_or_else(|| StdError::msg(format!("exchange: market {market_id} not found")))?;
                if side != OrderSide::Sell {
                    return Err(StdError::msg("multitest: only sell orders are emulated"));
                }
                if let Some(o) = ORDERS.may_load(storage, (sender.as_str(), &client_order_id))? {
                    if o.state == "open" {
                        return Err(StdError::msg("exchange: client order id in use"));
                    }
                    if o.tracked && track {
                        return Err(StdError::msg("exchange: client order id still has a record"));
                    }
                }
                let lock = Uint128::from(quantity.u64()).checked_mul(m.lot_size)?;
                Self::move_xbal(storage, sender.as_str(), &m.base_denom, Uint128::zero(), lock)?;
                let id = NEXT_ORDER.may_load(storage)?.unwrap_or(1);
                NEXT_ORDER.save(storage, &(id + 1))?;
                ORDERS.save(
                    storage,
                    (sender.as_str(), &client_order_id),
                    &OrderStatusResponse {
                        found: true,
                        order_id: id,
                        market_id,
                        state: "open".into(),
                        price,
                        quantity,
                        filled_quantity: Uint64::zero(),
                        tracked: track,
                        quote_filled: Uint128::zero(),
                        fees_paid: cosmwasm_std::Int128::zero(),
                    },
                )?;
                Ok(AppResponse::default())
            }
            ClearChainMsg::CancelOrder {
                client_order_id, ..
            } => {
                let mut o = ORDERS
                    .may_load(storage, (sender.as_str(), &client_order_id))?
                    .filter(|o| o.state == "open")
                    .ok_or_else(|| StdError::msg(format!("exchange: no open order {client_order_id}")))?;
                let m = MARKETS.load(storage, o.market_id)?;
                let left = Uint128::from(o.quantity.u64() - o.filled_quantity.u64()).checked_mul(m.lot_size)?;
                Self::move_xbal(storage, sender.as_str(), &m.base_denom, left, Uint128::zero())?;
                o.state = "cancelled".into();
                ORDERS.save(storage, (sender.as_str(), &client_order_id), &o)?;
                Ok(AppResponse::default())
            }
        }
    }

    fn query(
        &self,
        _api: &dyn Api,
        storage: &dyn Storage,
        _querier: &dyn Querier,
        _block: &BlockInfo,
        request: ClearChainQuery,
    ) -> StdResult<Binary> {
        match request {
            ClearChainQuery::Eligibility { address, action, .. } => {
                to_json_binary(&Self::eligible(storage, &address, &action))
            }
            ClearChainQuery::OraclePrice { feed_id } => {
                let p = PRICES.may_load(storage, &feed_id)?;
                to_json_binary(&OraclePriceResponse {
                    ok: p.is_some(),
                    price: Uint64::new(p.map_or(0, |p| p.0)),
                    decimals: p.map_or(0, |p| p.1),
                })
            }
            ClearChainQuery::PendingMoves {
                admin,
                start_after,
                limit,
            } => {
                let limit = limit.min(100) as usize;
                let mut moves = MOVES
                    .prefix(admin.as_str())
                    .range(
                        storage,
                        Some(cw_storage_plus::Bound::exclusive(start_after)),
                        None,
                        cosmwasm_std::Order::Ascending,
                    )
                    .take(limit + 1)
                    .map(|r| r.map(|(_, m)| m))
                    .collect::<StdResult<Vec<_>>>()?;
                let more = moves.len() > limit;
                moves.truncate(limit);
                let last_seq = NEXT_MOVE.may_load(storage, admin.as_str())?.unwrap_or(1) - 1;
                to_json_binary(&PendingMovesResponse { moves, more, last_seq })
            }
            ClearChainQuery::MarketInfo { market_id } => to_json_binary(
                &MARKETS
                    .may_load(storage, market_id)?
                    .ok_or_else(|| StdError::msg(format!("exchange: market {market_id} not found")))?,
            ),
            ClearChainQuery::OrderStatus { owner, client_order_id } => to_json_binary(
                &ORDERS
                    .may_load(storage, (owner.as_str(), &client_order_id))?
                    .unwrap_or(OrderStatusResponse {
                        found: false,
                        order_id: 0,
                        market_id: 0,
                        state: String::new(),
                        price: Uint64::zero(),
                        quantity: Uint64::zero(),
                        filled_quantity: Uint64::zero(),
                        tracked: false,
                        quote_filled: Uint128::zero(),
                        fees_paid: cosmwasm_std::Int128::zero(),
                    }),
            ),
            ClearChainQuery::BookTop { .. } => {
                Err(StdError::msg("multitest: no book is emulated; book queries run in the real app"))
            }
        }
    }

    fn sudo<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        _storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        _block: &BlockInfo,
        _msg: Empty,
    ) -> StdResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        Err(StdError::msg("multitest: no sudo"))
    }
}
