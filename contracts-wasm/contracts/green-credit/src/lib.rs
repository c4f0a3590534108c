//! green-credit: a registry of green-energy credits on ClearChain.
//!
//! Licensed issuers issue batches (project, technology, region, vintage,
//! MWh, serial range); each batch is minted as its own x/assets denom, one
//! token per MWh, administered by this contract, and trades on x/exchange
//! like any asset. Retiring credits burns them and leaves a permanent
//! certificate naming the serials retired; the retirer (or an
//! account-address beneficiary) may record one environmental claim on a
//! certificate, never two. Serial ranges never overlap
//! (one lookup in a disjoint index, `serial.rs`), and a retired serial can
//! never move again: its token is burned and the batch's retirement
//! pointer only grows.
//!
//! Layout: `contract.rs` (entry points only dispatch), `msg.rs`,
//! `state.rs`, `error.rs`, `serial.rs` (checked range arithmetic).

pub mod contract;
pub mod error;
pub mod msg;
pub mod serial;
pub mod state;

pub use crate::error::ContractError;
