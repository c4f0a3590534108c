//! A cw-multi-test stand-in for ClearChain's native modules, for the host
//! tests of contracts (feature `multitest`). It keeps the rules a contract
//! meets on chain that the contracts' own tests depend on — ISSUER licence
//! to create and mint, admin-only mint and burn, supply caps, frozen
//! accounts not eligible, the queue of share moves (mints are recorded;
//! tests record bank moves with `ChainModule::record_move`, as x/assets'
//! send restriction does on chain) — and nothing else. x/exchange is not
//! emulated: orders run against the real app in the Go tests
//! (app/contracts_test.go).

use cosmwasm_std::{
    to_json_binary, Addr, Api, BankMsg, Binary, BlockInfo, Coin, CosmosMsg, CustomMsg, CustomQuery, Empty,
    Querier, StdError, StdResult, Storage, Uint128, Uint256, Uint64,
};
use cw_multi_test::{AppResponse, BankSudo, CosmosRouter, Module, SudoMsg};
use cw_storage_plus::Map;
use serde::de::DeserializeOwned;

use crate::{
    asset_denom, ClearChainMsg, ClearChainQuery, EligibilityResponse, OraclePriceResponse, PendingMovesResponse,
    ShareMove,
};

const ASSETS: Map<&str, (String, Uint128, Uint128)> = Map::new("clearchain_mock_assets"); // denom → (admin, cap, supply)
const ROLES: Map<(&str, &str), ()> = Map::new("clearchain_mock_roles"); // (address, ROLE)
const FROZEN: Map<&str, ()> = Map::new("clearchain_mock_frozen");
const PRICES: Map<&str, (u64, u32)> = Map::new("clearchain_mock_prices");
const MOVES: Map<(&str, u64), ShareMove> = Map::new("clearchain_mock_moves"); // (admin, seq)
const NEXT_MOVE: Map<&str, u64> = Map::new("clearchain_mock_next_move");

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
            ClearChainMsg::PlaceOrder { .. }
            | ClearChainMsg::CancelOrder { .. }
            | ClearChainMsg::Deposit { .. }
            | ClearChainMsg::Withdraw { .. } => Err(StdError::msg(
                "multitest: x/exchange is not emulated; orders run in the real app (app/contracts_test.go)",
            )),
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
                to_json_binary(&PendingMovesResponse { moves, more })
            }
            ClearChainQuery::MarketInfo { .. } | ClearChainQuery::BookTop { .. } => Err(StdError::msg(
                "multitest: x/exchange is not emulated; market queries run in the real app",
            )),
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
