use cosmwasm_std::StdError;
use thiserror::Error;

/// Every way the green-credit contract refuses a message. `StdError` has no
/// `PartialEq`, so neither has this.
#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("green-credit: {address} is not a licensed issuer: {reason}")]
    NotIssuer { address: String, reason: String },

    #[error("green-credit: {address} may not hold {denom}: {reason}")]
    NotEligible { address: String, denom: String, reason: String },

    #[error("green-credit: a serial range cannot be empty")]
    EmptyRange {},

    #[error("green-credit: {len} serials from {first} pass the largest serial")]
    SerialOverflow { first: u64, len: u64 },

    #[error("green-credit: serials {first}..={last} overlap batch {batch_id}")]
    SerialOverlap { first: u64, last: u64, batch_id: u64 },

    #[error("green-credit: {wanted} serials wanted, {left} left")]
    NotEnoughSerials { wanted: u64, left: u64 },

    #[error("green-credit: {field} is invalid: {why}")]
    InvalidField { field: &'static str, why: String },

    #[error("green-credit: send exactly one coin of one batch's credits (got {got})")]
    BadFunds { got: String },

    #[error("green-credit: {denom} is not a green-credit batch")]
    UnknownDenom { denom: String },

    #[error("green-credit: batch {id} not found")]
    BatchNotFound { id: u64 },

    #[error("green-credit: certificate {id} not found")]
    CertificateNotFound { id: u64 },

    #[error("green-credit: certificate {id} was already claimed by {claimant} at height {height}")]
    AlreadyClaimed { id: u64, claimant: String, height: u64 },

    #[error("green-credit: {address} may not claim certificate {id}: only the account that retired it ({retired_by}) or an account-address beneficiary may")]
    NotClaimant { id: u64, address: String, retired_by: String },

    #[error("green-credit: serial {serial} was never issued")]
    SerialNotFound { serial: u64 },

    #[error("green-credit: cannot migrate from {name} {version}")]
    CannotMigrate { name: String, version: String },
}
