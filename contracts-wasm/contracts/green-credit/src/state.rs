use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Timestamp, Uint64};
use cw_storage_plus::{Item, Map};

use crate::serial::SerialRange;

#[cw_serde]
pub struct Config {
    pub name: String,
}

/// A batch of credits: one serial and one token per MWh.
#[cw_serde]
pub struct Batch {
    pub id: u64,
    pub issuer: Addr,
    pub project: String,
    pub technology: String,
    pub region: String,
    pub vintage: u16,
    pub mwh: Uint64,
    pub serials: SerialRange,
    /// The x/assets denom its credits are minted as.
    pub denom: String,
    /// Serials retired so far: always the lowest `retired` of the range.
    pub retired: Uint64,
    pub issued_at: Timestamp,
}

/// A permanent record of retired credits.
#[cw_serde]
pub struct Certificate {
    pub id: u64,
    pub batch_id: u64,
    /// Who retired (and burned) the credits.
    pub retired_by: Addr,
    pub beneficiary: String,
    pub reason: String,
    pub serials: SerialRange,
    pub height: u64,
    pub time: Timestamp,
    /// The environmental claim made on the certificate, at most one, for
    /// ever. Certificates stored before claims existed have no such field
    /// and read as `None` (serde's default for a missing `Option`), so the
    /// stored state stays compatible and no migration rewrites it.
    #[serde(default)]
    pub claim: Option<Claim>,
}

/// An environmental claim ("our 2026 scope 2 electricity is covered by
/// these serials") made once on a retirement certificate.
#[cw_serde]
pub struct Claim {
    /// Who claimed: the certificate's `retired_by`, or its beneficiary when
    /// the beneficiary is an account address.
    pub claimant: Addr,
    pub statement: String,
    pub height: u64,
    pub time: Timestamp,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const NEXT_BATCH: Item<u64> = Item::new("next_batch");
pub const NEXT_CERT: Item<u64> = Item::new("next_cert");
pub const BATCHES: Map<u64, Batch> = Map::new("batches");
/// denom → batch id.
pub const BATCH_BY_DENOM: Map<&str, u64> = Map::new("batch_by_denom");
/// first serial → (last serial, batch id): every issued range, disjoint.
pub const ISSUED: Map<u64, (u64, u64)> = Map::new("issued");
/// first serial → (last serial, certificate id): every retired range.
pub const RETIRED: Map<u64, (u64, u64)> = Map::new("retired");
pub const CERTIFICATES: Map<u64, Certificate> = Map::new("certificates");
