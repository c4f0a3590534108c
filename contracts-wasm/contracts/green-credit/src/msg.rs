use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Uint64;

use crate::serial::SerialRange;
use crate::state::{Batch, Certificate};

/// Instantiates the registry.
#[cw_serde]
pub struct InstantiateMsg {
    /// Display-name prefix of the assets the batches are minted as.
    pub name: String,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Issues a batch of credits, one per MWh, with the serials
    /// `first_serial..first_serial+mwh`, minted as a new x/assets denom
    /// `asset/{contract}/gc{batch id}` to `recipient` (default: the
    /// issuer). The sender must hold an ISSUER licence; the serials must
    /// not overlap any batch issued before.
    Issue {
        project: String,
        technology: String,
        region: String,
        /// Year of generation.
        vintage: u16,
        mwh: Uint64,
        first_serial: Uint64,
        recipient: Option<String>,
    },
    /// Moves the credits sent with the message (one batch's denom) to
    /// `recipient`, who must be eligible to hold them.
    Transfer { recipient: String },
    /// Retires the credits sent with the message (one batch's denom): they
    /// are burned, the batch's lowest outstanding serials are assigned to a
    /// new certificate, which stays for ever.
    Retire { beneficiary: String, reason: String },
    /// Records an environmental claim on retirement certificate
    /// `certificate`, once: the sender must be the account that retired it
    /// or, when the certificate's beneficiary is an account address, that
    /// account. `statement` is 1-512 bytes of printable text. A second
    /// claim on the same certificate is refused, naming the first claimant
    /// and its height. No funds.
    Claim { certificate: Uint64, statement: String },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// One batch.
    #[returns(Batch)]
    Batch { id: u64 },
    /// Batches by id, ascending.
    #[returns(BatchesResponse)]
    Batches {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The batch a serial belongs to, and whether it is retired.
    #[returns(SerialResponse)]
    Serial { serial: Uint64 },
    /// One retirement certificate.
    #[returns(Certificate)]
    Certificate { id: u64 },
    /// Certificates by id, ascending.
    #[returns(CertificatesResponse)]
    Certificates {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct BatchesResponse {
    pub batches: Vec<Batch>,
}

#[cw_serde]
pub struct CertificatesResponse {
    pub certificates: Vec<Certificate>,
}

/// Where a serial stands.
#[cw_serde]
pub struct SerialResponse {
    pub serial: Uint64,
    pub batch_id: u64,
    pub denom: String,
    /// The certificate that retired it; `None` while outstanding.
    pub certificate_id: Option<u64>,
    /// The certificate's serial range, when retired.
    pub retired_range: Option<SerialRange>,
}
