//! data-asset: tokenized datasets with paid, auditable access.
//!
//! A licensed issuer registers a dataset by content hash, metadata URI and
//! schema; its ownership shares are an x/assets denom the contract
//! administers, tradable on x/exchange. Buyers pay for access licences
//! (price, expiry, usage terms); the revenue is shared among the shares held
//! in accounts through a per-share index (`revenue.rs`, no loop over
//! holders), kept right by the share moves x/assets queues for the contract
//! (bank sends, exchange deposits and withdrawals), which also enter the
//! provenance. The owner can offer shares on x/exchange through the
//! contract (`offer_shares`, `cancel_offer`). The
//! dataset key reaches the buyer sealed to the buyer's X25519 key (a NaCl
//! sealed box made off chain); the contract keeps the envelope and its
//! hash, so delivery is provable while the key never appears in clear. The
//! owner or the regulator can revoke a licence or the dataset; every step
//! is in the dataset's provenance history.

pub mod contract;
pub mod error;
pub mod msg;
pub mod revenue;
pub mod state;

pub use crate::error::ContractError;
