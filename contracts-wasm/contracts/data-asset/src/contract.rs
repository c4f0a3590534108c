//! Entry points: each only dispatches.

use clearchain_bindings::{
    asset_denom, AssetClass, ClearChainMsg, ClearChainQuerier, ClearChainQuery, OrderSide, ShareMove, TimeInForce,
};
use cosmwasm_std::{
    entry_point, to_json_binary, Addr, BankMsg, Binary, Coin, Deps, DepsMut, Env, MessageInfo, Order, Response,
    StdResult, Uint128, Uint64,
};
use cw_storage_plus::Bound;
use sha2::{Digest, Sha256};

use crate::error::ContractError;
use crate::msg::{AccessResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, PositionResponse, ProvenanceResponse, QueryMsg};
use crate::revenue::Pool;
use crate::state::{
    Config, Dataset, Envelope, Licence, Offer, ProvenanceEntry, Terms, BY_DENOM, BY_HASH, CONFIG, DATASETS, LICENCES,
    DeferredRevenue, DEFERRED, DEFERRED_HEAD, DEFERRED_TAIL, MOVE_CURSOR, NEXT_DATASET, NEXT_PROVENANCE, OFFERS, OFFER_CIDS, POOLS, POSITIONS, PROVENANCE,
};

pub const CONTRACT_NAME: &str = "crates.io:clearchain-data-asset";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Longest metadata URI, schema, usage terms or reason.
pub const MAX_TEXT: usize = 512;
/// Longest sealed key: a NaCl sealed box (48 bytes of overhead) of a key
/// of up to 464 bytes.
pub const MAX_SEALED: usize = 512;
/// Shortest sealed key: the overhead and a 16-byte key.
pub const MIN_SEALED: usize = 48 + 16;
const DEFAULT_LIMIT: u32 = 30;
const MAX_LIMIT: u32 = 100;
/// Share moves applied per call (one page of x/assets' queue).
pub const MOVES_PER_SYNC: u32 = 100;
/// Share moves a licence purchase applies itself: few, so its gas stays
/// bounded (each costs ~35k) whatever is pending; the rest is sync_moves'.
pub const MOVES_PER_PURCHASE: u32 = 5;
/// Longest client order id of an offer (x/exchange's limit).
pub const MAX_CLIENT_ORDER_ID: usize = 64;

type ChainResponse = Response<ClearChainMsg>;

#[entry_point]
pub fn instantiate(
    deps: DepsMut<ClearChainQuery>,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<ChainResponse, ContractError> {
    let regulator = deps.api.addr_validate(&msg.regulator)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &Config { regulator: regulator.clone() })?;
    NEXT_DATASET.save(deps.storage, &1)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("regulator", regulator))
}

#[entry_point]
pub fn execute(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<ChainResponse, ContractError> {
    match msg {
        ExecuteMsg::Register {
            content_hash,
            metadata_uri,
            schema,
            total_shares,
            terms,
        } => register(deps, env, info, content_hash, metadata_uri, schema, total_shares, terms),
        ExecuteMsg::SetTerms { dataset_id, terms } => set_terms(deps, env, info, dataset_id, terms),
        ExecuteMsg::BuyLicence {
            dataset_id,
            buyer_pubkey,
        } => buy_licence(deps, env, info, dataset_id, buyer_pubkey),
        ExecuteMsg::DeliverKey {
            dataset_id,
            buyer,
            sealed_key,
        } => deliver_key(deps, env, info, dataset_id, buyer, sealed_key),
        ExecuteMsg::RevokeLicence {
            dataset_id,
            buyer,
            reason,
        } => revoke_licence(deps, env, info, dataset_id, buyer, reason),
        ExecuteMsg::RevokeDataset { dataset_id, reason } => revoke_dataset(deps, env, info, dataset_id, reason),
        ExecuteMsg::TransferShares { recipient } => transfer_shares(deps, env, info, recipient),
        ExecuteMsg::Claim { dataset_id } => claim(deps, env, info, dataset_id),
        ExecuteMsg::OfferShares {
            market_id,
            price,
            quantity,
            client_order_id,
        } => offer_shares(deps, env, info, market_id, price, quantity, client_order_id),
        ExecuteMsg::CancelOffer {
            market_id,
            client_order_id,
        } => cancel_offer(deps, env, info, market_id, client_order_id),
        ExecuteMsg::SettleOffer {
            market_id,
            client_order_id,
        } => settle_offer(deps, env, info, market_id, client_order_id),
        ExecuteMsg::SyncMoves {} => sync_moves(deps, env, info),
    }
}

#[entry_point]
pub fn query(deps: Deps<ClearChainQuery>, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::Dataset { id } => to_json_binary(&load_dataset(deps, id)?)?,
        QueryMsg::DatasetByHash { content_hash } => {
            let id = BY_HASH
                .may_load(deps.storage, &content_hash)?
                .ok_or(ContractError::DatasetNotFound { id: 0 })?;
            to_json_binary(&load_dataset(deps, id)?)?
        }
        QueryMsg::Licence { dataset_id, buyer } => {
            let buyer = deps.api.addr_validate(&buyer)?;
            to_json_binary(&load_licence(deps, dataset_id, &buyer)?)?
        }
        QueryMsg::Access { dataset_id, address } => {
            let addr = deps.api.addr_validate(&address)?;
            let ds = load_dataset(deps, dataset_id)?;
            let lic = LICENCES.may_load(deps.storage, (dataset_id, &addr))?;
            let (has_access, reason) = match (&lic, ds.revoked) {
                (_, true) => (false, "dataset revoked".to_string()),
                (None, _) if addr == ds.owner => (true, "owner".to_string()),
                (None, _) => (false, "no licence".to_string()),
                (Some(l), _) => match inactive(l, &env) {
                    Some(why) => (false, why),
                    None => (true, "licence".to_string()),
                },
            };
            to_json_binary(&AccessResponse {
                has_access,
                expires: lic.map(|l| l.expires),
                reason,
            })?
        }
        QueryMsg::Position { dataset_id, address } => {
            let addr = deps.api.addr_validate(&address)?;
            let pool = POOLS.may_load(deps.storage, dataset_id)?.unwrap_or_default();
            let mut p = POSITIONS.may_load(deps.storage, (dataset_id, &addr))?.unwrap_or_default();
            pool.settle(&mut p)?;
            to_json_binary(&PositionResponse {
                shares: p.shares,
                claimable: p.owed,
            })?
        }
        QueryMsg::Provenance {
            dataset_id,
            start_after,
            limit,
        } => {
            let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
            let entries = PROVENANCE
                .prefix(dataset_id)
                .range(deps.storage, start_after.map(Bound::exclusive), None, Order::Ascending)
                .take(limit)
                .map(|r| r.map(|(_, v)| v))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&ProvenanceResponse { entries })?
        }
        QueryMsg::Offer {
            market_id,
            client_order_id,
        } => to_json_binary(&load_offer(deps, market_id, &client_order_id)?)?,
        QueryMsg::MoveCursor {} => to_json_binary(&MOVE_CURSOR.may_load(deps.storage)?.unwrap_or(0))?,
        QueryMsg::DeferredRevenue {} => {
            let head = DEFERRED_HEAD.may_load(deps.storage)?.unwrap_or(0);
            let list = DEFERRED
                .range(deps.storage, Some(Bound::inclusive(head)), None, Order::Ascending)
                .take(MAX_LIMIT as usize)
                .map(|r| r.map(|(_, v)| v))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&list)?
        }
    })
}

#[entry_point]
pub fn migrate(deps: DepsMut<ClearChainQuery>, _env: Env, _msg: MigrateMsg) -> Result<ChainResponse, ContractError> {
    let v = cw2::get_contract_version(deps.storage)?;
    if v.contract != CONTRACT_NAME {
        return Err(ContractError::CannotMigrate {
            name: v.contract,
            version: v.version,
        });
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_attribute("action", "migrate"))
}

#[allow(clippy::too_many_arguments)]
fn register(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    content_hash: String,
    metadata_uri: String,
    schema: String,
    total_shares: Uint128,
    terms: Terms,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    if content_hash.len() != 64 || !content_hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ContractError::InvalidField {
            field: "content_hash",
            why: "must be the lower-case hex SHA-256 (64 characters)".into(),
        });
    }
    check_text("metadata_uri", &metadata_uri, 1, MAX_TEXT)?;
    check_text("schema", &schema, 1, MAX_TEXT)?;
    check_terms(&terms)?;
    if total_shares.is_zero() {
        return Err(ContractError::InvalidField {
            field: "total_shares",
            why: "must be positive".into(),
        });
    }
    let el = ClearChainQuerier::new(&deps.querier).eligibility(info.sender.as_str(), "ISSUER", "")?;
    if !el.eligible {
        return Err(ContractError::NotIssuer {
            address: info.sender.to_string(),
            reason: el.reason,
        });
    }
    if let Some(id) = BY_HASH.may_load(deps.storage, &content_hash)? {
        return Err(ContractError::DuplicateContent { hash: content_hash, id });
    }
    let id = NEXT_DATASET.load(deps.storage)?;
    NEXT_DATASET.save(deps.storage, &(id + 1))?;
    let symbol = format!("ds{id}");
    let denom = asset_denom(env.contract.address.as_str(), &symbol);
    let ds = Dataset {
        id,
        owner: info.sender.clone(),
        content_hash: content_hash.clone(),
        metadata_uri: metadata_uri.clone(),
        schema,
        share_denom: denom.clone(),
        total_shares,
        terms,
        revoked: false,
        registered_at: env.block.time,
    };
    DATASETS.save(deps.storage, id, &ds)?;
    BY_HASH.save(deps.storage, &content_hash, &id)?;
    BY_DENOM.save(deps.storage, &denom, &id)?;
    POOLS.save(deps.storage, id, &Pool::default())?;
    record(deps.storage, &env, id, "registered", &info.sender, format!("content_hash={content_hash}"))?;
    record(
        deps.storage,
        &env,
        id,
        "shares_minted",
        &info.sender,
        format!("amount={total_shares} denom={denom}"),
    )?;
    Ok(Response::new()
        .add_message(ClearChainMsg::CreateAsset {
            symbol,
            name: format!("Data asset {id} shares"),
            decimals: 0,
            uri: metadata_uri,
            uri_hash: content_hash,
            class: AssetClass::DataAsset,
            restricted: false,
            supply_cap: total_shares,
        })
        .add_message(ClearChainMsg::Mint {
            denom: denom.clone(),
            amount: total_shares,
            recipient: info.sender.to_string(),
        })
        .add_attribute("action", "register")
        .add_attribute("dataset_id", id.to_string())
        .add_attribute("owner", info.sender)
        .add_attribute("share_denom", denom))
}

fn set_terms(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    terms: Terms,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let mut ds = load_dataset(deps.as_ref(), id)?;
    if info.sender != ds.owner {
        return Err(ContractError::Unauthorized { who: "the owner" });
    }
    check_terms(&terms)?;
    if terms.price.denom != ds.terms.price.denom {
        return Err(ContractError::InvalidField {
            field: "terms.price",
            why: format!("the price denom stays {}", ds.terms.price.denom),
        });
    }
    ds.terms = terms;
    DATASETS.save(deps.storage, id, &ds)?;
    record(deps.storage, &env, id, "terms_updated", &info.sender, format!("price={}", ds.terms.price))?;
    Ok(Response::new()
        .add_attribute("action", "set_terms")
        .add_attribute("dataset_id", id.to_string()))
}

fn buy_licence(
    mut deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    pubkey: Binary,
) -> Result<ChainResponse, ContractError> {
    let ds = load_dataset(deps.as_ref(), id)?;
    if ds.revoked {
        return Err(ContractError::DatasetRevoked { id });
    }
    if pubkey.len() != 32 {
        return Err(ContractError::InvalidField {
            field: "buyer_pubkey",
            why: format!("an X25519 public key has 32 bytes, not {}", pubkey.len()),
        });
    }
    if info.funds.len() != 1 || info.funds[0] != ds.terms.price {
        return Err(ContractError::WrongPayment {
            want: ds.terms.price.to_string(),
            got: coins_string(&info.funds),
        });
    }
    if let Some(l) = LICENCES.may_load(deps.storage, (id, &info.sender))? {
        if inactive(&l, &env).is_none() {
            return Err(ContractError::LicenceActive {
                id,
                buyer: info.sender.to_string(),
            });
        }
    }
    // Revenue goes to the shares held when it is paid: after every move
    // queued before this payment (up to last_seq). Apply a few of them; if
    // more are pending the payment waits, in order, for sync_moves.
    let (applied, _, last_seq) = apply_moves(deps.branch(), &env, MOVES_PER_PURCHASE)?;
    let paid = Uint128::try_from(ds.terms.price.amount).map_err(|e| cosmwasm_std::StdError::msg(e.to_string()))?;
    let tail = DEFERRED_TAIL.may_load(deps.storage)?.unwrap_or(0);
    DEFERRED.save(
        deps.storage,
        tail,
        &DeferredRevenue {
            dataset_id: id,
            amount: paid,
            at_seq: last_seq,
        },
    )?;
    DEFERRED_TAIL.save(deps.storage, &(tail + 1))?;
    let cursor = MOVE_CURSOR.may_load(deps.storage)?.unwrap_or(0);
    pay_deferred(deps.storage, cursor, &mut { DEFERRED_BUDGET })?;
    let expires = env.block.time.plus_seconds(ds.terms.duration_secs);
    let lic = Licence {
        dataset_id: id,
        buyer: info.sender.clone(),
        buyer_pubkey: pubkey,
        paid: ds.terms.price.clone(),
        usage_terms: ds.terms.usage_terms.clone(),
        expires,
        revoked: false,
        envelope: None,
    };
    LICENCES.save(deps.storage, (id, &info.sender), &lic)?;
    record(
        deps.storage,
        &env,
        id,
        "licence_bought",
        &info.sender,
        format!("paid={} expires={}", lic.paid, expires.seconds()),
    )?;
    Ok(with_ack(Response::new(), &deps, applied)?
        .add_attribute("action", "buy_licence")
        .add_attribute("dataset_id", id.to_string())
        .add_attribute("buyer", info.sender)
        .add_attribute("expires", expires.seconds().to_string()))
}

fn deliver_key(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    buyer: String,
    sealed_key: Binary,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let ds = load_dataset(deps.as_ref(), id)?;
    if info.sender != ds.owner {
        return Err(ContractError::Unauthorized { who: "the owner" });
    }
    if ds.revoked {
        return Err(ContractError::DatasetRevoked { id });
    }
    if !(MIN_SEALED..=MAX_SEALED).contains(&sealed_key.len()) {
        return Err(ContractError::InvalidField {
            field: "sealed_key",
            why: format!("{} bytes, expected {MIN_SEALED}..={MAX_SEALED}", sealed_key.len()),
        });
    }
    let buyer = deps.api.addr_validate(&buyer)?;
    let mut lic = load_licence(deps.as_ref(), id, &buyer)?;
    if let Some(why) = inactive(&lic, &env) {
        return Err(ContractError::LicenceInactive {
            id,
            buyer: buyer.to_string(),
            why,
        });
    }
    let hash = hex::encode(Sha256::digest(sealed_key.as_slice()));
    lic.envelope = Some(Envelope {
        sealed_key,
        hash: hash.clone(),
        delivered_at: env.block.time,
    });
    LICENCES.save(deps.storage, (id, &buyer), &lic)?;
    record(
        deps.storage,
        &env,
        id,
        "key_delivered",
        &info.sender,
        format!("buyer={buyer} envelope_sha256={hash}"),
    )?;
    Ok(Response::new()
        .add_attribute("action", "deliver_key")
        .add_attribute("dataset_id", id.to_string())
        .add_attribute("buyer", buyer)
        .add_attribute("envelope_sha256", hash))
}

fn owner_or_regulator(deps: Deps<ClearChainQuery>, ds: &Dataset, sender: &Addr) -> Result<(), ContractError> {
    if *sender == ds.owner || *sender == CONFIG.load(deps.storage)?.regulator {
        Ok(())
    } else {
        Err(ContractError::Unauthorized {
            who: "the owner or the regulator",
        })
    }
}

fn revoke_licence(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    buyer: String,
    reason: String,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    check_text("reason", &reason, 1, MAX_TEXT)?;
    let ds = load_dataset(deps.as_ref(), id)?;
    owner_or_regulator(deps.as_ref(), &ds, &info.sender)?;
    let buyer = deps.api.addr_validate(&buyer)?;
    let mut lic = load_licence(deps.as_ref(), id, &buyer)?;
    lic.revoked = true;
    LICENCES.save(deps.storage, (id, &buyer), &lic)?;
    record(
        deps.storage,
        &env,
        id,
        "licence_revoked",
        &info.sender,
        format!("buyer={buyer} reason={reason}"),
    )?;
    Ok(Response::new()
        .add_attribute("action", "revoke_licence")
        .add_attribute("dataset_id", id.to_string())
        .add_attribute("buyer", buyer))
}

fn revoke_dataset(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    reason: String,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    check_text("reason", &reason, 1, MAX_TEXT)?;
    let mut ds = load_dataset(deps.as_ref(), id)?;
    owner_or_regulator(deps.as_ref(), &ds, &info.sender)?;
    ds.revoked = true;
    DATASETS.save(deps.storage, id, &ds)?;
    record(deps.storage, &env, id, "dataset_revoked", &info.sender, format!("reason={reason}"))?;
    Ok(Response::new()
        .add_attribute("action", "revoke_dataset")
        .add_attribute("dataset_id", id.to_string()))
}

fn transfer_shares(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    recipient: String,
) -> Result<ChainResponse, ContractError> {
    let (ds, coin) = shares_sent(deps.as_ref(), &info)?;
    let to = deps.api.addr_validate(&recipient)?;
    let el = ClearChainQuerier::new(&deps.querier).eligibility(to.as_str(), "hold", &ds.share_denom)?;
    if !el.eligible {
        return Err(ContractError::NotEligible {
            address: to.to_string(),
            reason: el.reason,
        });
    }
    record(
        deps.storage,
        &env,
        ds.id,
        "shares_transferred",
        &info.sender,
        format!("to={to} amount={}", coin.amount),
    )?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: to.to_string(),
            amount: vec![coin],
        })
        .add_attribute("action", "transfer_shares")
        .add_attribute("dataset_id", ds.id.to_string()))
}

fn claim(deps: DepsMut<ClearChainQuery>, env: Env, info: MessageInfo, id: u64) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let ds = load_dataset(deps.as_ref(), id)?;
    let pool = POOLS.load(deps.storage, id)?;
    let mut p = POSITIONS.may_load(deps.storage, (id, &info.sender))?.unwrap_or_default();
    let amount = pool.claim(&mut p)?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim { id });
    }
    POSITIONS.save(deps.storage, (id, &info.sender), &p)?;
    let paid = Coin::new(amount, ds.terms.price.denom);
    record(deps.storage, &env, id, "revenue_claimed", &info.sender, format!("amount={paid}"))?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![paid],
        })
        .add_attribute("action", "claim")
        .add_attribute("dataset_id", id.to_string())
        .add_attribute("amount", amount))
}

#[allow(clippy::too_many_arguments)]
fn offer_shares(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    market_id: u64,
    price: Uint64,
    quantity: Uint64,
    client_order_id: String,
) -> Result<ChainResponse, ContractError> {
    let (ds, coin) = shares_sent(deps.as_ref(), &info)?;
    if info.sender != ds.owner {
        return Err(ContractError::Unauthorized { who: "the owner" });
    }
    if ds.revoked {
        return Err(ContractError::DatasetRevoked { id: ds.id });
    }
    if client_order_id.is_empty()
        || client_order_id.len() > MAX_CLIENT_ORDER_ID
        || !client_order_id.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ContractError::InvalidField {
            field: "client_order_id",
            why: format!("1-{MAX_CLIENT_ORDER_ID} bytes of printable ASCII without spaces"),
        });
    }
    if price.is_zero() || price.u64() > i64::MAX as u64 || quantity.is_zero() {
        return Err(ContractError::InvalidField {
            field: "price/quantity",
            why: "a positive price up to 2^63-1 ticks and a positive quantity".into(),
        });
    }
    // Any fee schedule: the order is tracked, so x/exchange reports the
    // quote it settled net of fees exactly, and settle_offer pays that.
    let market = ClearChainQuerier::new(&deps.querier).market_info(market_id)?;
    if market.base_denom != ds.share_denom {
        return Err(ContractError::WrongMarket {
            market_id,
            id: ds.id,
            base: market.base_denom,
            shares: ds.share_denom,
        });
    }
    let shares = Uint128::from(quantity.u64())
        .checked_mul(market.lot_size)
        .map_err(|e| cosmwasm_std::StdError::msg(e.to_string()))?;
    if Uint128::try_from(coin.amount).ok() != Some(shares) {
        return Err(ContractError::WrongOfferFunds {
            want: format!("{shares}{}", ds.share_denom),
            got: coin.to_string(),
        });
    }
    if OFFERS.has(deps.storage, (market_id, &client_order_id)) {
        return Err(ContractError::OfferExists {
            market_id,
            client_order_id,
        });
    }
    if let Some(used) = OFFER_CIDS.may_load(deps.storage, &client_order_id)? {
        return Err(ContractError::ClientIdUsed {
            market_id: used,
            client_order_id,
        });
    }
    OFFER_CIDS.save(deps.storage, &client_order_id, &market_id)?;
    OFFERS.save(
        deps.storage,
        (market_id, &client_order_id),
        &Offer {
            dataset_id: ds.id,
            market_id,
            client_order_id: client_order_id.clone(),
            seller: info.sender.clone(),
            price,
            quantity,
            shares,
            cancelled: false,
            quote_denom: market.quote_denom,
            tick_size: market.tick_size,
            lot_size: market.lot_size,
            settled_lots: Uint64::zero(),
            proceeds: Uint128::zero(),
            closed: false,
        },
    )?;
    record(
        deps.storage,
        &env,
        ds.id,
        "shares_offered",
        &info.sender,
        format!("market={market_id} client_order_id={client_order_id} price={price} quantity={quantity}"),
    )?;
    Ok(Response::new()
        .add_message(ClearChainMsg::Deposit {
            denom: ds.share_denom.clone(),
            amount: shares,
        })
        .add_message(ClearChainMsg::PlaceOrder {
            market_id,
            side: OrderSide::Sell,
            price,
            quantity,
            time_in_force: TimeInForce::Gtc,
            client_order_id: client_order_id.clone(),
            post_only: true,
            track: true,
        })
        .add_attribute("action", "offer_shares")
        .add_attribute("dataset_id", ds.id.to_string())
        .add_attribute("market_id", market_id.to_string())
        .add_attribute("client_order_id", client_order_id))
}

fn cancel_offer(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    market_id: u64,
    client_order_id: String,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let mut offer = load_offer(deps.as_ref(), market_id, &client_order_id)?;
    if info.sender != offer.seller && info.sender != CONFIG.load(deps.storage)?.regulator {
        return Err(ContractError::Unauthorized {
            who: "the seller or the regulator",
        });
    }
    offer.cancelled = true;
    OFFERS.save(deps.storage, (market_id, &client_order_id), &offer)?;
    record(
        deps.storage,
        &env,
        offer.dataset_id,
        "offer_cancelled",
        &info.sender,
        format!("market={market_id} client_order_id={client_order_id}"),
    )?;
    Ok(Response::new()
        .add_message(ClearChainMsg::CancelOrder {
            market_id,
            order_id: 0,
            client_order_id: client_order_id.clone(),
        })
        .add_attribute("action", "cancel_offer")
        .add_attribute("dataset_id", offer.dataset_id.to_string())
        .add_attribute("client_order_id", client_order_id))
}

/// Pays the seller what the contract received for the offer's fills since
/// the last settle and, once the order finished, the unfilled shares (see
/// `ExecuteMsg::SettleOffer`). The order is tracked: x/exchange keeps its
/// settlement record (lots, notional and fees exactly as it settled them,
/// on any fee schedule) until this contract acknowledges it, which it does
/// here when the order finished — so a settle long after the exchange's
/// status window still pays. Exactly once: `proceeds` only grows, to the
/// net quote x/exchange reports received, and a closed offer never pays
/// again. Each offer is paid from its own fills only, so offers sharing the
/// contract's exchange balance cannot be paid from each other's proceeds.
fn settle_offer(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    market_id: u64,
    client_order_id: String,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let mut offer = load_offer(deps.as_ref(), market_id, &client_order_id)?;
    if offer.closed {
        return Err(ContractError::OfferClosed {
            market_id,
            client_order_id,
        });
    }
    let st = ClearChainQuerier::new(&deps.querier)
        .order_status(env.contract.address.as_str(), &client_order_id)
        .map_err(|e| ContractError::OfferStatusUnavailable {
            client_order_id: client_order_id.clone(),
            why: e.to_string(),
        })?;
    if !st.found || !st.tracked || st.market_id != market_id {
        return Err(ContractError::OfferStatusUnavailable {
            client_order_id,
            why: "no settlement record".into(),
        });
    }
    let filled = st.filled_quantity.u64();
    // What the contract received: the notional less the fees (plus a
    // rebate), exactly as x/exchange credited it fill by fill.
    let received = if st.fees_paid.is_negative() {
        st.quote_filled.checked_add(st.fees_paid.unsigned_abs())
    } else {
        st.quote_filled.checked_sub(st.fees_paid.unsigned_abs())
    }
    .ok();
    let received = match received {
        Some(r) if filled <= offer.quantity.u64() && filled >= offer.settled_lots.u64() && r >= offer.proceeds => r,
        _ => {
            return Err(ContractError::OfferStatusUnavailable {
                client_order_id,
                why: format!(
                    "filled {filled} of {} lots for {} less {} fees, {} lots and {} paid",
                    offer.quantity, st.quote_filled, st.fees_paid, offer.settled_lots, offer.proceeds
                ),
            })
        }
    };
    let finished = st.state != "open";
    let new_lots = filled - offer.settled_lots.u64();
    let paid = received - offer.proceeds;
    if paid.is_zero() && new_lots == 0 && !finished {
        return Err(ContractError::NothingToSettle {
            market_id,
            client_order_id,
            filled,
        });
    }
    let overflow = |e: cosmwasm_std::OverflowError| cosmwasm_std::StdError::msg(e.to_string());
    let unfilled = if finished {
        Uint128::from(offer.quantity.u64() - filled)
            .checked_mul(offer.lot_size)
            .map_err(overflow)?
    } else {
        Uint128::zero()
    };
    offer.settled_lots = Uint64::new(filled);
    offer.proceeds = received;
    offer.closed = finished;
    OFFERS.save(deps.storage, (market_id, &client_order_id), &offer)?;
    let ds = load_dataset(deps.as_ref(), offer.dataset_id)?;
    record(
        deps.storage,
        &env,
        offer.dataset_id,
        "offer_settled",
        &info.sender,
        format!(
            "market={market_id} client_order_id={client_order_id} lots={new_lots} proceeds={paid}{} fees_to_date={} returned_shares={unfilled} seller={} state={}",
            offer.quote_denom, st.fees_paid, offer.seller, st.state
        ),
    )?;
    let mut r = Response::new();
    for (denom, amount) in [(offer.quote_denom.clone(), paid), (ds.share_denom, unfilled)] {
        if amount.is_zero() {
            continue;
        }
        r = r
            .add_message(ClearChainMsg::Withdraw {
                denom: denom.clone(),
                amount,
            })
            .add_message(BankMsg::Send {
                to_address: offer.seller.to_string(),
                amount: vec![Coin::new(amount, denom)],
            });
    }
    if finished {
        // Everything is paid out: x/exchange may drop the record.
        r = r.add_message(ClearChainMsg::AckOrder {
            client_order_id: client_order_id.clone(),
        });
    }
    Ok(r.add_attribute("action", "settle_offer")
        .add_attribute("dataset_id", offer.dataset_id.to_string())
        .add_attribute("client_order_id", client_order_id)
        .add_attribute("seller", offer.seller)
        .add_attribute("proceeds", paid)
        .add_attribute("fees_to_date", st.fees_paid.to_string())
        .add_attribute("returned_shares", unfilled)
        .add_attribute("closed", finished.to_string()))
}

fn sync_moves(deps: DepsMut<ClearChainQuery>, env: Env, info: MessageInfo) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let mut deps = deps;
    let (applied, more, _) = apply_moves(deps.branch(), &env, MOVES_PER_SYNC)?;
    Ok(with_ack(Response::new(), &deps, applied)?
        .add_attribute("action", "sync_moves")
        .add_attribute("applied", applied.to_string())
        .add_attribute("more", more.to_string()))
}

/// Deferred payments paid per call at most (each is O(1)).
const DEFERRED_BUDGET: u32 = 100;

/// Applies up to `limit` (at most a page) of the share moves x/assets
/// queued for this contract: each enters its dataset's provenance, and the shares move
/// between the revenue positions (only accounts earn: "" — a module account
/// such as the x/exchange escrow — and the contract itself do not). Before
/// each move, the deferred revenue paid before it is paid into its pool,
/// so every payment is shared by the holdings at the time it was made; if
/// the budget of deferred payments runs out first, the moves wait too.
/// Returns how many moves it applied, whether more are pending, and the
/// sequence of the last move queued.
fn apply_moves(deps: DepsMut<ClearChainQuery>, env: &Env, limit: u32) -> Result<(u64, bool, u64), ContractError> {
    let cursor = MOVE_CURSOR.may_load(deps.storage)?.unwrap_or(0);
    let page = ClearChainQuerier::new(&deps.querier).pending_moves(env.contract.address.as_str(), cursor, limit)?;
    let mut budget = DEFERRED_BUDGET;
    let mut last = cursor;
    let mut applied = 0u64;
    let mut more = page.more;
    for m in &page.moves {
        if !pay_deferred(deps.storage, m.seq - 1, &mut budget)? {
            more = true;
            break;
        }
        apply_move(deps.storage, env, m)?;
        last = m.seq;
        applied += 1;
    }
    MOVE_CURSOR.save(deps.storage, &last)?;
    pay_deferred(deps.storage, last, &mut budget)?;
    Ok((applied, more, page.last_seq.max(last)))
}

/// Pays, oldest first, the deferred revenue made at or before move `upto`,
/// at most `budget` payments; returns whether none such is left.
fn pay_deferred(store: &mut dyn cosmwasm_std::Storage, upto: u64, budget: &mut u32) -> Result<bool, ContractError> {
    let mut head = DEFERRED_HEAD.may_load(store)?.unwrap_or(0);
    let tail = DEFERRED_TAIL.may_load(store)?.unwrap_or(0);
    let start = head;
    while head < tail {
        let d = DEFERRED.load(store, head)?;
        if d.at_seq > upto {
            break;
        }
        if *budget == 0 {
            if head != start {
                DEFERRED_HEAD.save(store, &head)?;
            }
            return Ok(false);
        }
        *budget -= 1;
        let mut pool = POOLS.load(store, d.dataset_id)?;
        pool.pay(d.amount)?;
        POOLS.save(store, d.dataset_id, &pool)?;
        DEFERRED.remove(store, head);
        head += 1;
    }
    if head != start {
        DEFERRED_HEAD.save(store, &head)?;
    }
    Ok(true)
}

fn apply_move(store: &mut dyn cosmwasm_std::Storage, env: &Env, m: &ShareMove) -> Result<(), ContractError> {
    let Some(id) = BY_DENOM.may_load(store, &m.denom)? else {
        return Ok(());
    };
    let me = env.contract.address.as_str();
    let earns = |a: &str| !a.is_empty() && a != me;
    let mut pool = POOLS.load(store, id)?;
    if earns(&m.from) {
        let from = Addr::unchecked(&m.from);
        let mut p = POSITIONS.may_load(store, (id, &from))?.unwrap_or_default();
        // Every move since the mint is applied in order, so the position
        // holds the amount; min() only guards against a broken queue.
        let n = m.amount.min(p.shares);
        pool.remove(&mut p, n)?;
        POSITIONS.save(store, (id, &from), &p)?;
    }
    if earns(&m.to) {
        let to = Addr::unchecked(&m.to);
        let mut p = POSITIONS.may_load(store, (id, &to))?.unwrap_or_default();
        pool.add(&mut p, m.amount)?;
        POSITIONS.save(store, (id, &to), &p)?;
    }
    POOLS.save(store, id, &pool)?;
    let name = |a: &str| if a.is_empty() { "module".to_string() } else { a.to_string() };
    // The actor: who the shares left, else who received them.
    let actor = if !m.from.is_empty() {
        m.from.as_str()
    } else if !m.to.is_empty() {
        m.to.as_str()
    } else {
        me
    };
    let seq = NEXT_PROVENANCE.may_load(store, id)?.unwrap_or(1);
    NEXT_PROVENANCE.save(store, id, &(seq + 1))?;
    PROVENANCE.save(
        store,
        (id, seq),
        &ProvenanceEntry {
            seq,
            height: m.height,
            time: env.block.time,
            kind: "shares_moved".to_string(),
            actor: Addr::unchecked(actor),
            detail: format!("from={} to={} amount={} move={}", name(&m.from), name(&m.to), m.amount, m.seq),
        },
    )?;
    Ok(())
}

/// Adds the acknowledgement of the applied moves, if any, so x/assets drops
/// them from its queue.
fn with_ack(r: ChainResponse, deps: &DepsMut<ClearChainQuery>, applied: u64) -> StdResult<ChainResponse> {
    if applied == 0 {
        return Ok(r);
    }
    let up_to = MOVE_CURSOR.load(deps.storage)?;
    Ok(r.add_message(ClearChainMsg::AckMoves { up_to }))
}

fn load_offer(deps: Deps<ClearChainQuery>, market_id: u64, client_order_id: &str) -> Result<Offer, ContractError> {
    OFFERS
        .may_load(deps.storage, (market_id, client_order_id))?
        .ok_or_else(|| ContractError::OfferNotFound {
            market_id,
            client_order_id: client_order_id.to_string(),
        })
}

/// Why a licence gives no access now, if it does not.
fn inactive(l: &Licence, env: &Env) -> Option<String> {
    if l.revoked {
        Some("revoked".into())
    } else if env.block.time >= l.expires {
        Some(format!("expired at {}", l.expires.seconds()))
    } else {
        None
    }
}

fn shares_sent(deps: Deps<ClearChainQuery>, info: &MessageInfo) -> Result<(Dataset, Coin), ContractError> {
    let [coin] = info.funds.as_slice() else {
        return Err(ContractError::BadShares {
            id: 0,
            got: coins_string(&info.funds),
        });
    };
    let id = BY_DENOM
        .may_load(deps.storage, &coin.denom)?
        .ok_or_else(|| ContractError::BadShares {
            id: 0,
            got: coin.to_string(),
        })?;
    if coin.amount.is_zero() {
        return Err(ContractError::BadShares { id, got: coin.to_string() });
    }
    Ok((load_dataset(deps, id)?, coin.clone()))
}

fn record(
    store: &mut dyn cosmwasm_std::Storage,
    env: &Env,
    id: u64,
    kind: &str,
    actor: &Addr,
    detail: String,
) -> StdResult<()> {
    let seq = NEXT_PROVENANCE.may_load(store, id)?.unwrap_or(1);
    NEXT_PROVENANCE.save(store, id, &(seq + 1))?;
    PROVENANCE.save(
        store,
        (id, seq),
        &ProvenanceEntry {
            seq,
            height: env.block.height,
            time: env.block.time,
            kind: kind.to_string(),
            actor: actor.clone(),
            detail,
        },
    )
}

fn load_dataset(deps: Deps<ClearChainQuery>, id: u64) -> Result<Dataset, ContractError> {
    DATASETS.may_load(deps.storage, id)?.ok_or(ContractError::DatasetNotFound { id })
}

fn load_licence(deps: Deps<ClearChainQuery>, id: u64, buyer: &Addr) -> Result<Licence, ContractError> {
    LICENCES
        .may_load(deps.storage, (id, buyer))?
        .ok_or_else(|| ContractError::LicenceNotFound {
            id,
            buyer: buyer.to_string(),
        })
}

fn check_terms(t: &Terms) -> Result<(), ContractError> {
    if t.price.amount.is_zero() || t.price.denom.is_empty() || t.price.denom.len() > 128 {
        return Err(ContractError::InvalidField {
            field: "terms.price",
            why: "must be a positive amount of a denom".into(),
        });
    }
    if Uint128::try_from(t.price.amount).is_err() {
        return Err(ContractError::InvalidField {
            field: "terms.price",
            why: "above the largest Uint128".into(),
        });
    }
    // At most ten years, so an expiry never leaves the timestamp range.
    if t.duration_secs == 0 || t.duration_secs > 10 * 366 * 24 * 3600 {
        return Err(ContractError::InvalidField {
            field: "terms.duration_secs",
            why: "must be 1 second to 10 years".into(),
        });
    }
    check_text("terms.usage_terms", &t.usage_terms, 1, MAX_TEXT)
}

fn no_funds(info: &MessageInfo) -> Result<(), ContractError> {
    if info.funds.is_empty() {
        Ok(())
    } else {
        Err(ContractError::WrongPayment {
            want: "nothing".into(),
            got: coins_string(&info.funds),
        })
    }
}

fn check_text(field: &'static str, s: &str, min: usize, max: usize) -> Result<(), ContractError> {
    if s.trim().len() < min || s.len() > max || s.chars().any(char::is_control) {
        return Err(ContractError::InvalidField {
            field,
            why: format!("must be {min}-{max} bytes of printable text"),
        });
    }
    Ok(())
}

fn coins_string(c: &[Coin]) -> String {
    if c.is_empty() {
        return "nothing".to_string();
    }
    c.iter().map(Coin::to_string).collect::<Vec<_>>().join(",")
}

