//! Entry points: each only dispatches.

use clearchain_bindings::{asset_denom, AssetClass, ClearChainMsg, ClearChainQuerier, ClearChainQuery};
use cosmwasm_std::{
    entry_point, to_json_binary, BankMsg, Binary, Coin, Deps, DepsMut, Env, MessageInfo, Order, Response,
    StdResult, Uint128, Uint64,
};
use cw_storage_plus::Bound;

use crate::error::ContractError;
use crate::msg::{
    BatchesResponse, CertificatesResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, SerialResponse,
};
use crate::serial::{find_holder, insert_disjoint, SerialRange};
use crate::state::{
    Batch, Certificate, Claim, Config, BATCHES, BATCH_BY_DENOM, CERTIFICATES, CONFIG, ISSUED, NEXT_BATCH, NEXT_CERT,
    RETIRED,
};

pub const CONTRACT_NAME: &str = "crates.io:clearchain-green-credit";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Longest project, technology or region.
pub const MAX_LABEL: usize = 128;
/// Longest beneficiary or reason.
pub const MAX_TEXT: usize = 256;
/// Longest claim statement.
pub const MAX_STATEMENT: usize = 512;
const DEFAULT_LIMIT: u32 = 30;
const MAX_LIMIT: u32 = 100;

type ChainResponse = Response<ClearChainMsg>;

#[entry_point]
pub fn instantiate(
    deps: DepsMut<ClearChainQuery>,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<ChainResponse, ContractError> {
    check_text("name", &msg.name, 1, 64)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &Config { name: msg.name })?;
    NEXT_BATCH.save(deps.storage, &1)?;
    NEXT_CERT.save(deps.storage, &1)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("creator", info.sender))
}

#[entry_point]
pub fn execute(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<ChainResponse, ContractError> {
    match msg {
        ExecuteMsg::Issue {
            project,
            technology,
            region,
            vintage,
            mwh,
            first_serial,
            recipient,
        } => issue(
            deps,
            env,
            info,
            Labels {
                project,
                technology,
                region,
                vintage,
            },
            mwh,
            first_serial,
            recipient,
        ),
        ExecuteMsg::Transfer { recipient } => transfer(deps, info, recipient),
        ExecuteMsg::Retire { beneficiary, reason } => retire(deps, env, info, beneficiary, reason),
        ExecuteMsg::Claim { certificate, statement } => claim(deps, env, info, certificate.u64(), statement),
    }
}

#[entry_point]
pub fn query(deps: Deps<ClearChainQuery>, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Batch { id } => to_json_binary(&load_batch(deps, id)?)?,
        QueryMsg::Batches { start_after, limit } => to_json_binary(&BatchesResponse {
            batches: page(deps, &BATCHES, start_after, limit)?,
        })?,
        QueryMsg::Serial { serial } => to_json_binary(&query_serial(deps, serial)?)?,
        QueryMsg::Certificate { id } => to_json_binary(
            &CERTIFICATES
                .may_load(deps.storage, id)?
                .ok_or(ContractError::CertificateNotFound { id })?,
        )?,
        QueryMsg::Certificates { start_after, limit } => to_json_binary(&CertificatesResponse {
            certificates: page(deps, &CERTIFICATES, start_after, limit)?,
        })?,
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
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", v.version))
}

struct Labels {
    project: String,
    technology: String,
    region: String,
    vintage: u16,
}

fn issue(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    l: Labels,
    mwh: Uint64,
    first_serial: Uint64,
    recipient: Option<String>,
) -> Result<ChainResponse, ContractError> {
    if !info.funds.is_empty() {
        return Err(ContractError::BadFunds {
            got: coins_string(&info.funds),
        });
    }
    check_text("project", &l.project, 1, MAX_LABEL)?;
    check_text("technology", &l.technology, 1, MAX_LABEL)?;
    check_text("region", &l.region, 1, MAX_LABEL)?;
    if !(1990..=2200).contains(&l.vintage) {
        return Err(ContractError::InvalidField {
            field: "vintage",
            why: format!("{} is not a year in 1990..=2200", l.vintage),
        });
    }
    let el = ClearChainQuerier::new(&deps.querier).eligibility(info.sender.as_str(), "ISSUER", "")?;
    if !el.eligible {
        return Err(ContractError::NotIssuer {
            address: info.sender.to_string(),
            reason: el.reason,
        });
    }
    let recipient = match recipient {
        Some(r) => deps.api.addr_validate(&r)?,
        None => info.sender.clone(),
    };
    let range = SerialRange::from_len(first_serial.u64(), mwh.u64())?;
    let id = NEXT_BATCH.load(deps.storage)?;
    insert_disjoint(deps.storage, &ISSUED, range, id)?;
    NEXT_BATCH.save(deps.storage, &(id + 1))?;

    let cfg = CONFIG.load(deps.storage)?;
    let symbol = format!("gc{id}");
    let denom = asset_denom(env.contract.address.as_str(), &symbol);
    let batch = Batch {
        id,
        issuer: info.sender.clone(),
        project: l.project,
        technology: l.technology,
        region: l.region,
        vintage: l.vintage,
        mwh,
        serials: range,
        denom: denom.clone(),
        retired: Uint64::zero(),
        issued_at: env.block.time,
    };
    BATCHES.save(deps.storage, id, &batch)?;
    BATCH_BY_DENOM.save(deps.storage, &denom, &id)?;
    let amount = Uint128::from(mwh.u64());
    Ok(Response::new()
        .add_message(ClearChainMsg::CreateAsset {
            symbol,
            name: truncate(&format!("{} batch {} {} {}", cfg.name, id, batch.project, batch.vintage), 140),
            decimals: 0,
            uri: String::new(),
            uri_hash: String::new(),
            class: AssetClass::GreenCredit,
            restricted: false,
            // The asset can never hold more credits than the batch has serials.
            supply_cap: amount,
        })
        .add_message(ClearChainMsg::Mint {
            denom: denom.clone(),
            amount,
            recipient: recipient.to_string(),
        })
        .add_attribute("action", "issue")
        .add_attribute("batch_id", id.to_string())
        .add_attribute("issuer", info.sender)
        .add_attribute("denom", denom)
        .add_attribute("first_serial", range.first.to_string())
        .add_attribute("last_serial", range.last.to_string())
        .add_attribute("recipient", recipient))
}

fn transfer(deps: DepsMut<ClearChainQuery>, info: MessageInfo, recipient: String) -> Result<ChainResponse, ContractError> {
    let (batch, coin) = credits_sent(deps.as_ref(), &info)?;
    let to = deps.api.addr_validate(&recipient)?;
    let el = ClearChainQuerier::new(&deps.querier).eligibility(to.as_str(), "hold", &batch.denom)?;
    if !el.eligible {
        return Err(ContractError::NotEligible {
            address: to.to_string(),
            denom: batch.denom,
            reason: el.reason,
        });
    }
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: to.to_string(),
            amount: vec![coin.clone()],
        })
        .add_attribute("action", "transfer")
        .add_attribute("batch_id", batch.id.to_string())
        .add_attribute("from", info.sender)
        .add_attribute("to", to)
        .add_attribute("amount", coin.amount))
}

fn retire(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    beneficiary: String,
    reason: String,
) -> Result<ChainResponse, ContractError> {
    check_text("beneficiary", &beneficiary, 1, MAX_TEXT)?;
    check_text("reason", &reason, 1, MAX_TEXT)?;
    let (mut batch, coin) = credits_sent(deps.as_ref(), &info)?;
    // More than u64::MAX credits can never be outstanding: refuse as such.
    let n = Uint64::try_from(coin.amount)
        .map_err(|_| ContractError::NotEnoughSerials {
            wanted: u64::MAX,
            left: batch.mwh.u64() - batch.retired.u64(),
        })?
        .u64();
    // The outstanding serials are the batch's range above the retired ones.
    let outstanding = if batch.retired == batch.mwh {
        return Err(ContractError::NotEnoughSerials { wanted: n, left: 0 });
    } else {
        SerialRange {
            first: batch.serials.first + batch.retired.u64(),
            last: batch.serials.last,
        }
    };
    let (taken, _) = outstanding.take_front(n)?;
    let id = NEXT_CERT.load(deps.storage)?;
    NEXT_CERT.save(deps.storage, &(id + 1))?;
    insert_disjoint(deps.storage, &RETIRED, taken, id)?;
    batch.retired = batch.retired.checked_add(Uint64::new(n)).map_err(cosmwasm_std::StdError::from)?;
    BATCHES.save(deps.storage, batch.id, &batch)?;
    let cert = Certificate {
        id,
        batch_id: batch.id,
        retired_by: info.sender.clone(),
        beneficiary,
        reason,
        serials: taken,
        height: env.block.height,
        time: env.block.time,
        claim: None,
    };
    CERTIFICATES.save(deps.storage, id, &cert)?;
    Ok(Response::new()
        .add_message(ClearChainMsg::Burn {
            denom: batch.denom.clone(),
            amount: Uint128::from(n),
        })
        .add_attribute("action", "retire")
        .add_attribute("certificate_id", id.to_string())
        .add_attribute("batch_id", batch.id.to_string())
        .add_attribute("retired_by", info.sender)
        .add_attribute("first_serial", taken.first.to_string())
        .add_attribute("last_serial", taken.last.to_string()))
}

/// Records the one claim a certificate can carry. Checks, in order: no
/// funds, the statement, the certificate exists, the sender may claim it,
/// it has no claim yet; only then is anything written.
fn claim(
    deps: DepsMut<ClearChainQuery>,
    env: Env,
    info: MessageInfo,
    id: u64,
    statement: String,
) -> Result<ChainResponse, ContractError> {
    if !info.funds.is_empty() {
        return Err(ContractError::InvalidField {
            field: "funds",
            why: format!("a claim takes none (got {})", coins_string(&info.funds)),
        });
    }
    check_text("statement", &statement, 1, MAX_STATEMENT)?;
    let mut cert = CERTIFICATES
        .may_load(deps.storage, id)?
        .ok_or(ContractError::CertificateNotFound { id })?;
    let is_beneficiary = deps
        .api
        .addr_validate(&cert.beneficiary)
        .map(|b| b == info.sender)
        .unwrap_or(false);
    if info.sender != cert.retired_by && !is_beneficiary {
        return Err(ContractError::NotClaimant {
            id,
            address: info.sender.to_string(),
            retired_by: cert.retired_by.to_string(),
        });
    }
    if let Some(first) = &cert.claim {
        return Err(ContractError::AlreadyClaimed {
            id,
            claimant: first.claimant.to_string(),
            height: first.height,
        });
    }
    cert.claim = Some(Claim {
        claimant: info.sender.clone(),
        statement,
        height: env.block.height,
        time: env.block.time,
    });
    CERTIFICATES.save(deps.storage, id, &cert)?;
    Ok(Response::new()
        .add_attribute("action", "claim")
        .add_attribute("certificate_id", id.to_string())
        .add_attribute("batch_id", cert.batch_id.to_string())
        .add_attribute("claimant", info.sender)
        .add_attribute("first_serial", cert.serials.first.to_string())
        .add_attribute("last_serial", cert.serials.last.to_string()))
}

/// The batch of the one coin sent with a message, refusing anything else.
fn credits_sent(deps: Deps<ClearChainQuery>, info: &MessageInfo) -> Result<(Batch, Coin), ContractError> {
    let [coin] = info.funds.as_slice() else {
        return Err(ContractError::BadFunds {
            got: coins_string(&info.funds),
        });
    };
    if coin.amount.is_zero() {
        return Err(ContractError::BadFunds { got: coin.to_string() });
    }
    let id = BATCH_BY_DENOM
        .may_load(deps.storage, &coin.denom)?
        .ok_or_else(|| ContractError::UnknownDenom {
            denom: coin.denom.clone(),
        })?;
    Ok((load_batch(deps, id)?, coin.clone()))
}

fn load_batch(deps: Deps<ClearChainQuery>, id: u64) -> Result<Batch, ContractError> {
    BATCHES.may_load(deps.storage, id)?.ok_or(ContractError::BatchNotFound { id })
}

fn query_serial(deps: Deps<ClearChainQuery>, serial: Uint64) -> Result<SerialResponse, ContractError> {
    let s = serial.u64();
    let (_, batch_id) = find_holder(deps.storage, &ISSUED, s)?.ok_or(ContractError::SerialNotFound { serial: s })?;
    let batch = load_batch(deps, batch_id)?;
    let retired = find_holder(deps.storage, &RETIRED, s)?;
    Ok(SerialResponse {
        serial,
        batch_id,
        denom: batch.denom,
        certificate_id: retired.map(|(_, id)| id),
        retired_range: retired.map(|(r, _)| r),
    })
}

fn page<T: serde::Serialize + serde::de::DeserializeOwned>(
    deps: Deps<ClearChainQuery>,
    map: &cw_storage_plus::Map<u64, T>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<Vec<T>> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    map.range(deps.storage, start_after.map(Bound::exclusive), None, Order::Ascending)
        .take(limit)
        .map(|r| r.map(|(_, v)| v))
        .collect()
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

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn coins_string(c: &[Coin]) -> String {
    if c.is_empty() {
        return "nothing".to_string();
    }
    c.iter().map(Coin::to_string).collect::<Vec<_>>().join(",")
}

