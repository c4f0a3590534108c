use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Timestamp, Uint128};

use crate::state::{Config, Dataset, Licence, ProvenanceEntry, Terms};

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
    /// The payment is shared among the bonded shares.
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
    /// Bonds the shares sent with the message: they earn licence revenue.
    Bond {},
    /// Returns `amount` bonded shares.
    Unbond { dataset_id: u64, amount: Uint128 },
    /// Pays out the sender's revenue.
    Claim { dataset_id: u64 },
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
    /// Bonded shares and claimable revenue.
    #[returns(PositionResponse)]
    Position { dataset_id: u64, address: String },
    /// The dataset's history, oldest first.
    #[returns(ProvenanceResponse)]
    Provenance {
        dataset_id: u64,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct AccessResponse {
    pub has_access: bool,
    pub expires: Option<Timestamp>,
    pub reason: String,
}

#[cw_serde]
pub struct PositionResponse {
    pub bonded: Uint128,
    pub claimable: Uint128,
}

#[cw_serde]
pub struct ProvenanceResponse {
    pub entries: Vec<ProvenanceEntry>,
}
