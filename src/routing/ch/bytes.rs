//! The hierarchy on disk: a header (magic, format version, sizes), the arrays in
//! little-endian order, and a SHA-256 of everything before it. Reading checks the
//! version, the size, the checksum and then that every index is in range, so a bad file
//! is an error and never a panic in a later query.

use sha2::{Digest, Sha256};

use super::{Hierarchy, Upward};

const MAGIC: &[u8; 8] = b"GPCHIER\0";
/// Bump when the layout changes; older files are then refused and rebuilt.
const VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 * 3;
const CHECKSUM_LEN: usize = 32;

/// Why bytes could not be read as a hierarchy.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HierarchyError {
    /// The bytes do not start with the hierarchy's magic.
    #[error("not a contraction hierarchy file (its first bytes are not the hierarchy magic)")]
    NotAHierarchy,
    /// Written by another version of the format (rebuild it).
    #[error("contraction hierarchy format version {found}, this build reads version {expected}; rebuild the hierarchy")]
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
        /// The version this build writes and reads.
        expected: u32,
    },
    /// Shorter (or longer) than its header says.
    #[error("contraction hierarchy file is truncated: its header announces {expected} bytes, it has {found}")]
    Truncated {
        /// Bytes the header announces.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The checksum does not match or an array is inconsistent.
    #[error("contraction hierarchy file is corrupt: {0}")]
    Corrupt(String),
}

impl Hierarchy {
    /// The hierarchy as bytes: versioned header, arrays, checksum.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.rank.len();
        let mut out = Vec::with_capacity(HEADER_LEN + body_len(n, &self.forward, &self.backward));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        for count in [n, self.forward.arc_count(), self.backward.arc_count()] {
            out.extend_from_slice(&(count as u64).to_le_bytes());
        }
        put_u32s(&mut out, &self.rank);
        for up in [&self.forward, &self.backward] {
            put_u32s(&mut out, &up.first_out);
            put_u32s(&mut out, &up.head);
            for d in &up.weight_s {
                out.extend_from_slice(&d.to_le_bytes());
            }
            for l in &up.length_m {
                out.extend_from_slice(&l.to_le_bytes());
            }
        }
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        out
    }

    /// Reads bytes written by [`Hierarchy::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, HierarchyError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(HierarchyError::NotAHierarchy);
        }
        let too_short = || HierarchyError::Truncated {
            expected: (HEADER_LEN + CHECKSUM_LEN) as u64,
            found: bytes.len() as u64,
        };
        let mut r = Reader {
            bytes,
            at: MAGIC.len(),
        };
        let version = r.u32().ok_or_else(too_short)?;
        if version != VERSION {
            return Err(HierarchyError::UnsupportedVersion {
                found: version,
                expected: VERSION,
            });
        }
        let mut count = || {
            r.u64()
                .and_then(|c| usize::try_from(c).ok())
                .ok_or_else(too_short)
        };
        let (n, forward_arcs, backward_arcs) = (count()?, count()?, count()?);
        let expected = HEADER_LEN as u128
            + 4 * n as u128
            + upward_len(n, forward_arcs)
            + upward_len(n, backward_arcs)
            + CHECKSUM_LEN as u128;
        if expected != bytes.len() as u128 {
            return Err(HierarchyError::Truncated {
                expected: u64::try_from(expected).unwrap_or(u64::MAX),
                found: bytes.len() as u64,
            });
        }
        let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
        if Sha256::digest(body).as_slice() != checksum {
            return Err(HierarchyError::Corrupt("checksum mismatch".into()));
        }
        let rank = r.u32s(n);
        let forward = r.upward(n, forward_arcs);
        let backward = r.upward(n, backward_arcs);
        check_rank(&rank)?;
        check_upward("forward", &forward, n)?;
        check_upward("backward", &backward, n)?;
        Ok(Self {
            rank,
            forward,
            backward,
        })
    }
}

fn upward_len(n: usize, arcs: usize) -> u128 {
    4 * (n as u128 + 1) + (4 + 8 + 4) * arcs as u128
}

fn body_len(n: usize, forward: &Upward, backward: &Upward) -> usize {
    let total = 4 * n as u128
        + upward_len(n, forward.arc_count())
        + upward_len(n, backward.arc_count())
        + CHECKSUM_LEN as u128;
    usize::try_from(total).unwrap_or(0)
}

fn put_u32s(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Reads little-endian values; sizes are checked before the arrays are read.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let chunk = self.bytes.get(self.at..self.at + N)?;
        self.at += N;
        chunk.try_into().ok()
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    fn u32s(&mut self, n: usize) -> Vec<u32> {
        (0..n).map_while(|_| self.u32()).collect()
    }
    fn upward(&mut self, n: usize, arcs: usize) -> Upward {
        Upward {
            first_out: self.u32s(n + 1),
            head: self.u32s(arcs),
            weight_s: (0..arcs)
                .map_while(|_| self.take().map(f64::from_le_bytes))
                .collect(),
            length_m: (0..arcs)
                .map_while(|_| self.take().map(f32::from_le_bytes))
                .collect(),
        }
    }
}

fn check_rank(rank: &[u32]) -> Result<(), HierarchyError> {
    let mut seen = vec![false; rank.len()];
    for &r in rank {
        match seen.get_mut(r as usize) {
            Some(s) if !*s => *s = true,
            _ => {
                return Err(HierarchyError::Corrupt(format!(
                    "rank {r} is out of range or repeated"
                )))
            }
        }
    }
    Ok(())
}

fn check_upward(name: &str, up: &Upward, n: usize) -> Result<(), HierarchyError> {
    let corrupt = |what: String| Err(HierarchyError::Corrupt(format!("{name} arcs: {what}")));
    if up.first_out.first() != Some(&0)
        || up.first_out.last().map(|&l| l as usize) != Some(up.head.len())
    {
        return corrupt("the offsets do not span the arcs".into());
    }
    if up.first_out.windows(2).any(|w| w[0] > w[1]) {
        return corrupt("the offsets decrease".into());
    }
    for node in 0..n as u32 {
        for arc in up.arcs(node) {
            if up.head[arc] as usize >= n || up.head[arc] <= node {
                return corrupt(format!("arc {arc} of node {node} does not lead upward"));
            }
            if !(up.weight_s[arc] >= 0.0 && up.weight_s[arc].is_finite()) {
                return corrupt(format!("arc {arc} has weight {}", up.weight_s[arc]));
            }
            if !up.length_m[arc].is_finite() {
                return corrupt(format!("arc {arc} has length {}", up.length_m[arc]));
            }
        }
    }
    Ok(())
}
