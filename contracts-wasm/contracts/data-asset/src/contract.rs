//! Entry points: each only dispatches.

use clearchain_bindings::{asset_denom, AssetClass, ClearChainMsg, ClearChainQuerier, ClearChainQuery};
use cosmwasm_std::{
    entry_point, to_json_binary, Addr, BankMsg, Binary, Coin, Deps, DepsMut, Env, MessageInfo, Order, Response,
    StdResult, Uint128,
};
use cw_storage_plus::Bound;
use sha2::{Digest, Sha256};

use crate::error::ContractError;
use crate::msg::{AccessResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, PositionResponse, ProvenanceResponse, QueryMsg};
use crate::revenue::Pool;
use crate::state::{
    Config, Dataset, Envelope, Licence, ProvenanceEntry, Terms, BY_DENOM, BY_HASH, CONFIG, DATASETS, LICENCES,
    NEXT_DATASET, NEXT_PROVENANCE, POOLS, POSITIONS, PROVENANCE,
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
        ExecuteMsg::Bond {} => bond(deps, env, info),
        ExecuteMsg::Unbond { dataset_id, amount } => unbond(deps, env, info, dataset_id, amount),
        ExecuteMsg::Claim { dataset_id } => claim(deps, env, info, dataset_id),
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
                bonded: p.bonded,
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
    deps: DepsMut<ClearChainQuery>,
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
    let paid = Uint128::try_from(ds.terms.price.amount).map_err(|e| cosmwasm_std::StdError::msg(e.to_string()))?;
    let mut pool = POOLS.load(deps.storage, id)?;
    pool.pay(paid)?;
    POOLS.save(deps.storage, id, &pool)?;
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
    Ok(Response::new()
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

fn bond(deps: DepsMut<ClearChainQuery>, env: Env, info: MessageInfo) -> Result<ChainResponse, ContractError> {
    let (ds, coin) = shares_sent(deps.as_ref(), &info)?;
    let n = Uint128::try_from(coin.amount).map_err(|e| cosmwasm_std::StdError::msg(e.to_string()))?;
    let mut pool = POOLS.load(deps.storage, ds.id)?;
    let mut p = POSITIONS.may_load(deps.storage, (ds.id, &info.sender))?.unwrap_or_default();
    pool.bond(&mut p, n)?;
    POOLS.save(deps.storage, ds.id, &pool)?;
    POSITIONS.save(deps.storage, (ds.id, &info.sender), &p)?;
    record(deps.storage, &env, ds.id, "shares_bonded", &info.sender, format!("amount={n}"))?;
    Ok(Response::new()
        .add_attribute("action", "bond")
        .add_attribute("dataset_id", ds.id.to_string())
        .add_attribute("amount", n))
}

fn unbond(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    amount: Uint128,
) -> Result<ChainResponse, ContractError> {
    no_funds(&info)?;
    let ds = load_dataset(deps.as_ref(), id)?;
    let mut pool = POOLS.load(deps.storage, id)?;
    let mut p = POSITIONS.may_load(deps.storage, (id, &info.sender))?.unwrap_or_default();
    if amount.is_zero() || amount > p.bonded {
        return Err(ContractError::NotEnoughBonded {
            id,
            address: info.sender.to_string(),
            bonded: p.bonded.to_string(),
            asked: amount.to_string(),
        });
    }
    pool.unbond(&mut p, amount)?;
    POOLS.save(deps.storage, id, &pool)?;
    POSITIONS.save(deps.storage, (id, &info.sender), &p)?;
    record(deps.storage, &env, id, "shares_unbonded", &info.sender, format!("amount={amount}"))?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, ds.share_denom)],
        })
        .add_attribute("action", "unbond")
        .add_attribute("dataset_id", id.to_string()))
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

