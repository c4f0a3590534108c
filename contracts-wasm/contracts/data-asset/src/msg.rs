use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Timestamp, Uint128, Uint64};

use crate::state::{Config, Dataset, Licence, Offer, ProvenanceEntry, Terms};

#[cw_serde]
pub struct InstantiateMsg {
    /// May revoke any dataset or licence.
    pub regulator: String,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Registers a dataset by the SHA-256 of its content. The sender, its
    /// owner, must hold an ISSUER licence. `total_shares` ownership shares
    /// are minted to the owner as the x/assets denom
    /// `asset/{contract}/ds{id}`, which the contract administers.
    Register {
        content_hash: String,
        metadata_uri: String,
        schema: String,
        total_shares: Uint128,
        terms: Terms,
    },
    /// The owner changes the licence terms (not the price denom).
    SetTerms { dataset_id: u64, terms: Terms },
    /// Buys an access licence, paying exactly the price; `buyer_pubkey` is
    /// the buyer's X25519 public key (32 bytes) the key will be sealed to.
    /// The payment is shared among all shares held in accounts after the
    /// last share move made before it. The purchase applies up to 5 pending
    /// moves itself (so its gas is bounded); when more are pending (share-send spam,
    /// say) it still takes effect at once and its revenue waits in the
    /// contract until `sync_moves` has applied the moves made before it:
    /// a backlog never makes a purchase fail or wait.
    BuyLicence { dataset_id: u64, buyer_pubkey: Binary },
    /// The owner posts the dataset key sealed to the buyer's public key; the
    /// contract keeps it and its SHA-256.
    DeliverKey {
        dataset_id: u64,
        buyer: String,
        sealed_key: Binary,
    },
    /// The owner or the regulator revokes a licence.
    RevokeLicence {
        dataset_id: u64,
        buyer: String,
        reason: String,
    },
    /// The owner or the regulator revokes a dataset: no licence is sold or
    /// delivered any more.
    RevokeDataset { dataset_id: u64, reason: String },
    /// Moves the shares sent with the message to `recipient`, on record.
    TransferShares { recipient: String },
    /// Pays out the sender's revenue.
    Claim { dataset_id: u64 },
    /// The dataset's owner offers the shares sent with the message (exactly
    /// `quantity` lots of the market's base, the dataset's shares) on
    /// x/exchange: the contract deposits them and places a GTC post-only
    /// sell limit order in its own name, so the contract itself needs a
    /// trading licence; x/exchange decides. `client_order_id` names the
    /// offer (once, on one market). Only markets whose maker fee is 0 or
    /// less take offers: every fill is then a maker fill at the limit price
    /// that pays the contract exactly lots × price × tick, which is what
    /// `settle_offer` pays the seller.
    OfferShares {
        market_id: u64,
        price: Uint64,
        quantity: Uint64,
        client_order_id: String,
    },
    /// The offer's seller or the regulator cancels an offer (by its client
    /// order id; x/exchange cancels it in EndBlock).
    CancelOffer { market_id: u64, client_order_id: String },
    /// Pays an offer's seller what it earned since the last settle: the
    /// quote x/exchange reports the contract received for the offer's
    /// fills, net of the fees exactly as charged (its settlement record of
    /// the tracked order), beyond what was already paid, withdrawn from the
    /// contract's exchange balance. Once the order finished (filled,
    /// cancelled, expired or rejected) the unfilled shares go back to the
    /// seller too, the offer closes and the record is acknowledged. Anyone
    /// may call it, at any time: the record is kept until then; the seller
    /// is always the payee, and what was paid is never paid again.
    SettleOffer { market_id: u64, client_order_id: String },
    /// Applies up to one page (100) of the share moves x/assets queued for
    /// this contract, paying the deferred licence revenue in between (bank sends, exchange deposits and withdrawals, mints,
    /// burns): each enters its dataset's provenance and moves the revenue
    /// positions. Anyone may call it.
    SyncMoves {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    Config {},
    #[returns(Dataset)]
    Dataset { id: u64 },
    #[returns(Dataset)]
    DatasetByHash { content_hash: String },
    #[returns(Licence)]
    Licence { dataset_id: u64, buyer: String },
    /// Whether `address` may use the dataset now.
    #[returns(AccessResponse)]
    Access { dataset_id: u64, address: String },
    /// Shares earning revenue (held in the account, as of the last applied
    /// move) and claimable revenue.
    #[returns(PositionResponse)]
    Position { dataset_id: u64, address: String },
    /// The dataset's history, oldest first.
    #[returns(ProvenanceResponse)]
    Provenance {
        dataset_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// An offer of shares on x/exchange.
    #[returns(Offer)]
    Offer { market_id: u64, client_order_id: String },
    /// The last share move applied (see `sync_moves`).
    #[returns(u64)]
    MoveCursor {},
    /// Licence revenue waiting for the share moves made before it (oldest
    /// first, at most 100).
    #[returns(Vec<crate::state::DeferredRevenue>)]
    DeferredRevenue {},
}

#[cw_serde]
pub struct AccessResponse {
    pub has_access: bool,
    pub expires: Option<Timestamp>,
    pub reason: String,
}

#[cw_serde]
pub struct PositionResponse {
    pub shares: Uint128,
    pub claimable: Uint128,
}

#[cw_serde]
pub struct ProvenanceResponse {
    pub entries: Vec<ProvenanceEntry>,
}
