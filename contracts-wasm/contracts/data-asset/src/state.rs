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
    /// The market's quote denom, tick size and lot size when offered.
    #[serde(default)]
    pub quote_denom: String,
    #[serde(default)]
    pub tick_size: Uint128,
    #[serde(default)]
    pub lot_size: Uint128,
    /// Lots whose proceeds were paid to the seller (`settle_offer`).
    #[serde(default)]
    pub settled_lots: Uint64,
    /// Quote paid to the seller so far: what x/exchange credited the
    /// contract for the fills, net of fees.
    #[serde(default)]
    pub proceeds: Uint128,
    /// The order finished and everything was paid out: nothing more moves.
    #[serde(default)]
    pub closed: bool,
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
/// Client order ids in use, with their market: x/exchange names a status by
/// owner and client order id only, so an id is used on one market, once.
pub const OFFER_CIDS: Map<&str, u64> = Map::new("offer_cids");
/// The sequence of the last share move applied.
pub const MOVE_CURSOR: Item<u64> = Item::new("move_cursor");

/// Licence revenue paid while share moves were pending: it is shared by the
/// holdings after move `at_seq` (the last move queued before the payment),
/// so it waits until the contract has applied exactly that far.
#[cw_serde]
pub struct DeferredRevenue {
    pub dataset_id: u64,
    pub amount: Uint128,
    pub at_seq: u64,
}

/// Deferred revenue, first in first out (its `at_seq` never decreases).
pub const DEFERRED: Map<u64, DeferredRevenue> = Map::new("deferred");
/// The key of the next deferred payment to pay and of the next to add.
pub const DEFERRED_HEAD: Item<u64> = Item::new("deferred_head");
pub const DEFERRED_TAIL: Item<u64> = Item::new("deferred_tail");
