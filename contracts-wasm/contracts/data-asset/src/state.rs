use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, Coin, Timestamp, Uint128, Uint64};
use cw_storage_plus::{Item, Map};

use crate::revenue::{Pool, Position};

#[cw_serde]
pub struct Config {
    /// May revoke any dataset or licence.
    pub regulator: Addr,
}

/// A registered dataset.
#[cw_serde]
pub struct Dataset {
    pub id: u64,
    pub owner: Addr,
    /// Lower-case hex SHA-256 of the dataset's content.
    pub content_hash: String,
    pub metadata_uri: String,
    /// The data's schema (a name, URI or inline description).
    pub schema: String,
    /// The x/assets denom of its ownership shares.
    pub share_denom: String,
    pub total_shares: Uint128,
    pub terms: Terms,
    pub revoked: bool,
    pub registered_at: Timestamp,
}

/// The access licence on offer.
#[cw_serde]
pub struct Terms {
    /// What one licence costs.
    pub price: Coin,
    /// How long a licence lasts, in seconds.
    pub duration_secs: u64,
    pub usage_terms: String,
}

/// A buyer's access licence.
#[cw_serde]
pub struct Licence {
    pub dataset_id: u64,
    pub buyer: Addr,
    /// The buyer's X25519 public key the dataset key is sealed to.
    pub buyer_pubkey: Binary,
    pub paid: Coin,
    pub usage_terms: String,
    pub expires: Timestamp,
    pub revoked: bool,
    pub envelope: Option<Envelope>,
}

/// The dataset key sealed to the buyer's key (a NaCl sealed box), as the
/// provider posted it. The key itself never appears in clear.
#[cw_serde]
pub struct Envelope {
    pub sealed_key: Binary,
    /// Lower-case hex SHA-256 of `sealed_key`.
    pub hash: String,
    pub delivered_at: Timestamp,
}

/// One entry of a dataset's history.
#[cw_serde]
pub struct ProvenanceEntry {
    pub seq: u64,
    pub height: u64,
    pub time: Timestamp,
    /// registered, shares_minted, shares_transferred, shares_moved (a bank
    /// move x/assets queued: sends, exchange deposits and withdrawals;
    /// `height` is the move's), shares_offered, offer_cancelled,
    /// licence_bought, key_delivered, licence_revoked, revenue_claimed,
    /// terms_updated, dataset_revoked.
    pub kind: String,
    pub actor: Addr,
    pub detail: String,
}

/// Shares offered on x/exchange by the contract for a dataset's owner.
#[cw_serde]
pub struct Offer {
    pub dataset_id: u64,
    pub market_id: u64,
    pub client_order_id: String,
    pub seller: Addr,
    /// Limit price in ticks.
    pub price: Uint64,
    /// Lots offered.
    pub quantity: Uint64,
    /// Shares deposited for it.
    pub shares: Uint128,
    pub cancelled: bool,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const NEXT_DATASET: Item<u64> = Item::new("next_dataset");
pub const DATASETS: Map<u64, Dataset> = Map::new("datasets");
pub const BY_HASH: Map<&str, u64> = Map::new("by_hash");
pub const BY_DENOM: Map<&str, u64> = Map::new("by_denom");
pub const LICENCES: Map<(u64, &Addr), Licence> = Map::new("licences");
pub const POOLS: Map<u64, Pool> = Map::new("pools");
pub const POSITIONS: Map<(u64, &Addr), Position> = Map::new("positions");
pub const PROVENANCE: Map<(u64, u64), ProvenanceEntry> = Map::new("provenance");
pub const NEXT_PROVENANCE: Map<u64, u64> = Map::new("next_provenance");
pub const OFFERS: Map<(u64, &str), Offer> = Map::new("offers");
/// The sequence of the last share move applied.
pub const MOVE_CURSOR: Item<u64> = Item::new("move_cursor");
