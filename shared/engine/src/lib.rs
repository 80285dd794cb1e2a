//! smguard's engine: the ports through which decisions reach AWS, their in-memory fakes, and
//! the alert model.
//!
//! The policy crate decides; the engine carries decisions out through [`ports`]. Ports speak
//! the policy crate's types; `smguard-aws` implements them with the AWS SDK, [`fakes`] in memory.
//! Kept apart from `smguard-policy` so that crate stays synchronous.

pub mod alert;
pub mod audit;
pub mod fakes;
pub mod guard;
pub mod ports;
pub mod respond;
pub mod settings;

pub use alert::{ActionResult, ActionTaken, Alert, AlertFinding, AlertResource, Message, MessageAttribute};
pub use audit::{
    Audit, AuditError, AuditPayload, AuditRequest, AuditResult, Continuation, ReportLine, Summary, parse_kinds, run_id,
};
pub use guard::{Guard, Ports, Report};
pub use ports::{
    Claim, DeleteOutcome, Inventory, Lease, Ledger, LedgerEntry, Notifier, Page, PortError, Remediator, ReportSink,
    StopOutcome, TrailReader,
};
pub use respond::{GuardError, LEASE, Mode, Responder, Response};

#[cfg(test)]
mod trail_tests;
#[cfg(test)]
mod upload_tests;
