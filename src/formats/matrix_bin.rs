//! A travel matrix in a compact binary layout for programs (`gridpatrol matrix --format
//! bin`): 8 bytes a pair whatever the figures (0.6 of the JSON's bytes for 1 000 sites
//! on Andorra), at fixed offsets, read without parsing text.
//!
//! Layout, every number little-endian:
//!
//! | offset | size | what |
//! |---|---|---|
//! | 0 | 4 | magic `GPMX` |
//! | 4 | 4 | version, `u32` (1) |
//! | 8 | 4 | sources `S`, `u32` |
//! | 12 | 4 | targets `T`, `u32` |
//! | 16 | 4·S·T | durations in seconds, `f32`, row by row (source `i`, target `j` at `i·T + j`) |
//! | 16 + 4·S·T | 4·S·T | distances in metres, `f32`, in the same order |
//! | 16 + 8·S·T | … | the S source ids, then the T target ids, each a `u32` byte length and its UTF-8 bytes |
//!
//! Unreachable pairs (and the rows and columns of sites too far from any street) are
//! NaN. `f32` keeps 7 significant digits: 0.01 s on a day's drive and better than 0.1 m
//! below 1 000 km, finer than the network itself. With numpy:
//! `np.frombuffer(data, "<f4", S*T, 16).reshape(S, T)` are the durations.
//!
//! ```
//! use gridpatrol::formats::matrix_bin::{read, write_matrix_bin};
//! let mut out = Vec::new();
//! let d = |i: usize, j: usize| (i != j).then_some(1234.5);
//! write_matrix_bin(&mut out, &["a", "b"], &["a", "b"], &|i, j| d(i, j).map(|m| m / 10.0), &d).unwrap();
//! let m = read(&out).unwrap();
//! assert_eq!((m.duration_s(0, 1), m.distance_m(0, 1)), (Some(123.45), Some(1234.5)));
//! assert_eq!(m.duration_s(1, 1), None);
//! assert_eq!(m.target_ids, ["a", "b"]);
//! ```

use std::io::{self, Write};

/// The file's first four bytes.
pub const MAGIC: [u8; 4] = *b"GPMX";
/// The layout version this module writes and reads.
pub const VERSION: u32 = 1;
/// Bytes before the durations: magic, version, sources, targets.
pub const HEADER_LEN: usize = 16;

/// Why bytes are not a binary matrix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatrixBinError {
    /// The file does not start with `GPMX`.
    #[error("not a gridpatrol binary matrix: it starts with {found:?}, not \"GPMX\"")]
    WrongMagic {
        /// The first bytes found (up to four).
        found: Vec<u8>,
    },
    /// A layout version this reader does not know.
    #[error("binary matrix version {found}: this reader knows version {VERSION} only")]
    WrongVersion {
        /// The version in the file.
        found: u32,
    },
    /// The file ends before a part its header announces.
    #[error("binary matrix cut short: the {part} would end at byte {needed}, the file has {len}")]
    Truncated {
        /// What was being read (`header`, `durations`, `source id 3`, …).
        part: String,
        /// The offset the part ends at.
        needed: u64,
        /// The file's length.
        len: u64,
    },
    /// A site id that is not UTF-8.
    #[error("binary matrix: {part} is not UTF-8 text")]
    BadId {
        /// Which id (`source id 3`, `target id 0`).
        part: String,
    },
    /// Bytes after the last target id.
    #[error("binary matrix: {extra} bytes after the last target id")]
    TrailingBytes {
        /// How many.
        extra: u64,
    },
}

/// A matrix read back from the binary layout.
#[derive(Debug, Clone, PartialEq)]
pub struct BinMatrix {
    /// The sources' site ids, one per row.
    pub source_ids: Vec<String>,
    /// The targets' site ids, one per column.
    pub target_ids: Vec<String>,
    /// Seconds, row by row; NaN where unreachable.
    pub durations_s: Vec<f32>,
    /// Metres, row by row; NaN where unreachable.
    pub distances_m: Vec<f32>,
}

impl BinMatrix {
    fn at(&self, values: &[f32], i: usize, j: usize) -> Option<f32> {
        let v = *values.get(i * self.target_ids.len() + j)?;
        (j < self.target_ids.len() && !v.is_nan()).then_some(v)
    }
    /// Seconds from source `i` to target `j`; `None` where unreachable.
    pub fn duration_s(&self, i: usize, j: usize) -> Option<f32> {
        self.at(&self.durations_s, i, j)
    }
    /// Metres from source `i` to target `j`; `None` where unreachable.
    pub fn distance_m(&self, i: usize, j: usize) -> Option<f32> {
        self.at(&self.distances_m, i, j)
    }
}

fn count(n: usize) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| io::Error::other(format!("{n} sites are too many for u32")))
}

fn write_values(
    out: &mut impl Write,
    rows: usize,
    cols: usize,
    value: &impl Fn(usize, usize) -> Option<f64>,
) -> io::Result<()> {
    let mut row = Vec::with_capacity(cols * 4);
    for i in 0..rows {
        row.clear();
        for j in 0..cols {
            let v = value(i, j).map_or(f32::NAN, |v| v as f32);
            row.extend_from_slice(&v.to_le_bytes());
        }
        out.write_all(&row)?;
    }
    Ok(())
}

fn write_ids(out: &mut impl Write, ids: &[&str]) -> io::Result<()> {
    for id in ids {
        out.write_all(&count(id.len())?.to_le_bytes())?;
        out.write_all(id.as_bytes())?;
    }
    Ok(())
}

/// Writes the matrix from `source_ids` to `target_ids` in the layout above:
/// `duration_s(i, j)` and `distance_m(i, j)` for every pair, `None` where unreachable.
pub fn write_matrix_bin(
    out: &mut impl Write,
    source_ids: &[&str],
    target_ids: &[&str],
    duration_s: &impl Fn(usize, usize) -> Option<f64>,
    distance_m: &impl Fn(usize, usize) -> Option<f64>,
) -> io::Result<()> {
    let (rows, cols) = (source_ids.len(), target_ids.len());
    out.write_all(&MAGIC)?;
    out.write_all(&VERSION.to_le_bytes())?;
    out.write_all(&count(rows)?.to_le_bytes())?;
    out.write_all(&count(cols)?.to_le_bytes())?;
    write_values(out, rows, cols, duration_s)?;
    write_values(out, rows, cols, distance_m)?;
    write_ids(out, source_ids)?;
    write_ids(out, target_ids)
}

/// A cursor over the file that names what it was reading when the bytes ran out.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: u64, part: impl Fn() -> String) -> Result<&'a [u8], MatrixBinError> {
        let len = self.bytes.len() as u64;
        let end = (self.at as u64).saturating_add(n);
        if end > len {
            return Err(MatrixBinError::Truncated {
                part: part(),
                needed: end,
                len,
            });
        }
        let taken = &self.bytes[self.at..end as usize];
        self.at = end as usize;
        Ok(taken)
    }

    fn u32(&mut self, part: impl Fn() -> String) -> Result<u32, MatrixBinError> {
        let b = self.take(4, part)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn floats(&mut self, n: u64, part: &str) -> Result<Vec<f32>, MatrixBinError> {
        let bytes = self.take(n.saturating_mul(4), || part.to_string())?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    fn ids(&mut self, n: u32, which: &str) -> Result<Vec<String>, MatrixBinError> {
        (0..n)
            .map(|k| {
                let part = || format!("{which} id {k}");
                let len = self.u32(part)?;
                let bytes = self.take(u64::from(len), part)?;
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| MatrixBinError::BadId { part: part() })
            })
            .collect()
    }
}

/// Reads a matrix written by [`write_matrix_bin`]; an error says what is wrong (wrong
/// magic or version, cut short, an id that is not text, bytes left over).
pub fn read(bytes: &[u8]) -> Result<BinMatrix, MatrixBinError> {
    if !bytes.starts_with(&MAGIC) {
        return Err(MatrixBinError::WrongMagic {
            found: bytes.iter().take(4).copied().collect(),
        });
    }
    let mut cursor = Cursor { bytes, at: 4 };
    let header = || "header".to_string();
    let version = cursor.u32(header)?;
    if version != VERSION {
        return Err(MatrixBinError::WrongVersion { found: version });
    }
    let (rows, cols) = (cursor.u32(header)?, cursor.u32(header)?);
    let cells = u64::from(rows) * u64::from(cols);
    let durations_s = cursor.floats(cells, "durations")?;
    let distances_m = cursor.floats(cells, "distances")?;
    let source_ids = cursor.ids(rows, "source")?;
    let target_ids = cursor.ids(cols, "target")?;
    let extra = (bytes.len() - cursor.at) as u64;
    if extra > 0 {
        return Err(MatrixBinError::TrailingBytes { extra });
    }
    Ok(BinMatrix {
        source_ids,
        target_ids,
        durations_s,
        distances_m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 4 matrix with an unreachable pair, Chinese ids and an empty id.
    fn sample() -> Vec<u8> {
        let sources = ["机构1", "", "S3"];
        let targets = ["T0", "T1", "学校", "T3"];
        let distance =
            |i: usize, j: usize| ((i, j) != (1, 2)).then(|| (i * 1000 + j) as f64 + 0.25);
        let duration = |i: usize, j: usize| distance(i, j).map(|m| m / 8.0);
        let mut out = Vec::new();
        write_matrix_bin(&mut out, &sources, &targets, &duration, &distance).unwrap();
        out
    }

    #[test]
    fn a_matrix_comes_back_as_written() {
        let bytes = sample();
        let m = read(&bytes).unwrap();
        assert_eq!(m.source_ids, ["机构1", "", "S3"]);
        assert_eq!(m.target_ids, ["T0", "T1", "学校", "T3"]);
        assert_eq!(m.distance_m(2, 3), Some(2003.25));
        assert_eq!(m.duration_s(2, 3), Some(2003.25 / 8.0));
        assert_eq!((m.distance_m(1, 2), m.duration_s(1, 2)), (None, None));
        assert_eq!(m.distance_m(0, 4), None, "no fifth column");
        assert_eq!(&bytes[..4], b"GPMX");
        // Seven length prefixes, then 9 bytes of source ids ("机构1" is 7) and 12 of targets.
        assert_eq!(bytes.len(), HEADER_LEN + 2 * 4 * 12 + 7 * 4 + 9 + 12);
    }

    #[test]
    fn every_cut_is_named_never_a_panic() {
        let bytes = sample();
        for len in 0..bytes.len() {
            let err = read(&bytes[..len]).unwrap_err();
            match len {
                0..=3 => assert!(matches!(err, MatrixBinError::WrongMagic { .. }), "{len}"),
                _ => assert!(
                    matches!(err, MatrixBinError::Truncated { .. }),
                    "{len}: {err}"
                ),
            }
        }
        let err = read(&bytes[..20]).unwrap_err().to_string();
        assert_eq!(
            err,
            "binary matrix cut short: the durations would end at byte 64, the file has 20"
        );
    }

    #[test]
    fn wrong_magic_version_trailing_bytes_and_bad_ids_are_refused() {
        let mut bytes = sample();
        bytes[0] = b'{';
        assert!(read(&bytes)
            .unwrap_err()
            .to_string()
            .starts_with("not a gridpatrol binary matrix"));
        let mut bytes = sample();
        bytes[4] = 2;
        assert_eq!(
            read(&bytes).unwrap_err(),
            MatrixBinError::WrongVersion { found: 2 }
        );
        let mut bytes = sample();
        bytes.push(0);
        assert_eq!(
            read(&bytes).unwrap_err(),
            MatrixBinError::TrailingBytes { extra: 1 }
        );
        let mut bytes = sample();
        let first_id = HEADER_LEN + 2 * 4 * 12 + 4;
        bytes[first_id] = 0xFF;
        assert_eq!(
            read(&bytes).unwrap_err().to_string(),
            "binary matrix: source id 0 is not UTF-8 text"
        );
    }

    #[test]
    fn a_header_announcing_a_huge_matrix_is_cut_short_not_allocated() {
        let mut bytes = b"GPMX".to_vec();
        for v in [VERSION, u32::MAX, u32::MAX] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert!(matches!(
            read(&bytes).unwrap_err(),
            MatrixBinError::Truncated { .. }
        ));
    }
}
