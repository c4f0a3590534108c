use cosmwasm_std::StdError;
use thiserror::Error;

/// Every way the data-asset contract refuses a message.
#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("data-asset: {address} is not a licensed issuer: {reason}")]
    NotIssuer { address: String, reason: String },

    #[error("data-asset: {address} is not eligible: {reason}")]
    NotEligible { address: String, reason: String },

    #[error("data-asset: {field} is invalid: {why}")]
    InvalidField { field: &'static str, why: String },

    #[error("data-asset: dataset {id} not found")]
    DatasetNotFound { id: u64 },

    #[error("data-asset: content hash {hash} is already registered as dataset {id}")]
    DuplicateContent { hash: String, id: u64 },

    #[error("data-asset: dataset {id} is revoked")]
    DatasetRevoked { id: u64 },

    #[error("data-asset: only {who} may do this")]
    Unauthorized { who: &'static str },

    #[error("data-asset: pay exactly {want} (got {got})")]
    WrongPayment { want: String, got: String },

    #[error("data-asset: send exactly one coin of dataset {id}'s shares (got {got})")]
    BadShares { id: u64, got: String },

    #[error("data-asset: no licence of {buyer} on dataset {id}")]
    LicenceNotFound { id: u64, buyer: String },

    #[error("data-asset: the licence of {buyer} on dataset {id} is not active: {why}")]
    LicenceInactive { id: u64, buyer: String, why: String },

    #[error("data-asset: {buyer} already holds an active licence on dataset {id}")]
    LicenceActive { id: u64, buyer: String },

    #[error("data-asset: market {market_id} trades {base}, not dataset {id}'s shares {shares}")]
    WrongMarket { market_id: u64, id: u64, base: String, shares: String },

    #[error("data-asset: send the offered quantity in shares: {want} (got {got})")]
    WrongOfferFunds { want: String, got: String },

    #[error("data-asset: no offer {client_order_id} on market {market_id}")]
    OfferNotFound { market_id: u64, client_order_id: String },

    #[error("data-asset: offer {client_order_id} on market {market_id} exists")]
    OfferExists { market_id: u64, client_order_id: String },

    #[error("data-asset: client order id {client_order_id} is used on market {market_id}")]
    ClientIdUsed { market_id: u64, client_order_id: String },

    #[error("data-asset: offer {client_order_id} on market {market_id} is closed: everything was paid out")]
    OfferClosed { market_id: u64, client_order_id: String },

    #[error("data-asset: x/exchange has no usable settlement record of offer {client_order_id}: {why}")]
    OfferStatusUnavailable { client_order_id: String, why: String },

    #[error("data-asset: offer {client_order_id} on market {market_id}: nothing to settle (filled {filled}, all paid)")]
    NothingToSettle { market_id: u64, client_order_id: String, filled: u64 },

    #[error("data-asset: nothing to claim on dataset {id}")]
    NothingToClaim { id: u64 },

    #[error("data-asset: cannot migrate from {name} {version}")]
    CannotMigrate { name: String, version: String },
}
