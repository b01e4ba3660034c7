//! The hash chain of the 双随机 draw log: each entry's hash covers the previous hash and
//! the entry's canonical body, so editing or removing an entry breaks every later link.
//! Pure functions; the store appends with them and `draw verify` checks with them.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first log entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `SHA-256(prev_hash ‖ body)` in lower-case hex: the log's chaining rule.
///
/// ```
/// use gridpatrol::hash_chain::{chain_hash, GENESIS_HASH};
/// assert_ne!(chain_hash(GENESIS_HASH, "{}"), chain_hash(GENESIS_HASH, "{ }"));
/// ```
pub fn chain_hash(prev_hash: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(body.as_bytes());
    hex::encode(h.finalize())
}
