//! A travel matrix as JSON, written as it goes: `{"ids", "distances_m", "durations_s",
//! "unreachable"}` with every figure rounded to 0.1 m or 0.1 s (the precision of the
//! network itself) and `null` where no route exists. Nothing is built in memory first,
//! so a 3 000 × 3 000 matrix costs its output, not a tree of JSON values.

use std::io::{self, Write};

/// Writes one matrix row: `[1.5,null,…]`, figures to one decimal.
fn write_row(out: &mut impl Write, row: impl Iterator<Item = Option<f64>>) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, value) in row.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        match value.filter(|v| v.is_finite()) {
            Some(v) => out.write_all(tenths(v).as_bytes())?,
            None => out.write_all(b"null")?,
        }
    }
    out.write_all(b"]")
}

/// `v` rounded to 0.1 and written without trailing zeros (`12`, `12.5`, `-0.5`).
/// Digits are laid out by hand in a stack buffer: a 3 000 × 3 000 matrix writes 18 M
/// figures, and formatting each through `format!` took half of the command's time.
fn tenths(v: f64) -> Tenths {
    let t = (v * 10.0).round() as i64;
    let mut digits = t.unsigned_abs();
    let mut out = Tenths {
        buf: [0; 24],
        start: 24,
    };
    let tenth = digits % 10;
    digits /= 10;
    if tenth != 0 {
        out.push(b'0' + tenth as u8);
        out.push(b'.');
    }
    loop {
        out.push(b'0' + (digits % 10) as u8);
        digits /= 10;
        if digits == 0 {
            break;
        }
    }
    if t < 0 {
        out.push(b'-');
    }
    out
}

/// One figure's text, filled from the end of a fixed buffer (an `i64` has at most 19
/// digits; with the sign and the tenth it fits in 24 bytes).
struct Tenths {
    buf: [u8; 24],
    start: usize,
}

impl Tenths {
    fn push(&mut self, byte: u8) {
        self.start -= 1;
        self.buf[self.start] = byte;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn write_matrix(
    out: &mut impl Write,
    n: usize,
    cell: &impl Fn(usize, usize) -> Option<f64>,
) -> io::Result<()> {
    out.write_all(b"[")?;
    for i in 0..n {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        write_row(out, (0..n).map(|j| cell(i, j)))?;
    }
    out.write_all(b"]")
}

/// Writes the matrix of `ids`: `distance_m(i, j)` and `duration_s(i, j)` for every
/// pair, `None` where unreachable; `unreachable` lists the sites left out.
///
/// ```
/// use gridpatrol::formats::matrix_json::write_matrix_json;
/// let mut out = Vec::new();
/// let d = |i: usize, j: usize| (i != j).then_some(1234.56);
/// write_matrix_json(&mut out, &["a", "b"], &d, &|i, j| d(i, j).map(|m| m / 1.2), &[]).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// let v: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert_eq!(v["distances_m"][0][1], 1234.6);
/// assert!(v["durations_s"][1][1].is_null());
/// ```
pub fn write_matrix_json(
    out: &mut impl Write,
    ids: &[&str],
    distance_m: &impl Fn(usize, usize) -> Option<f64>,
    duration_s: &impl Fn(usize, usize) -> Option<f64>,
    unreachable: &[&str],
) -> io::Result<()> {
    let text = |s: &[&str]| serde_json::to_string(s).map_err(io::Error::other);
    write!(out, "{{\"ids\":{},\n\"distances_m\":", text(ids)?)?;
    write_matrix(out, ids.len(), distance_m)?;
    out.write_all(b",\n\"durations_s\":")?;
    write_matrix(out, ids.len(), duration_s)?;
    write!(out, ",\n\"unreachable\":{}}}\n", text(unreachable)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: f64) -> String {
        String::from_utf8(tenths(v).as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn tenths_round_half_away_and_drop_zeros() {
        assert_eq!(text(12.04), "12");
        assert_eq!(text(12.05), "12.1");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.04), "0");
        assert_eq!(text(-1.26), "-1.3");
        assert_eq!(text(1_234_567.89), "1234567.9");
        assert_eq!(text(0.35), "0.4");
        assert_eq!(text(-0.5), "-0.5");
        assert_eq!(text(1e300), i64::MAX.to_string()[..18].to_string() + ".7");
    }

    #[test]
    fn tenths_read_back_as_the_rounded_figure() {
        // Against the standard library's formatting, on a spread of figures.
        for k in 0..20_000u32 {
            let v = f64::from(k) * 12.3457 - 5_000.0;
            let want = (v * 10.0).round() / 10.0;
            let got: f64 = text(v).parse().unwrap();
            assert_eq!(got, want + 0.0, "{v}");
        }
    }

    #[test]
    fn the_output_is_json_within_a_twentieth_of_the_figures() {
        let n = 7;
        let d = |i: usize, j: usize| {
            (i % 3 != 0 || j % 2 != 0).then(|| (i * 131 + j * 17) as f64 / 7.0)
        };
        let t = |i: usize, j: usize| d(i, j).map(|m| m / 1.3);
        let ids: Vec<String> = (0..n).map(|i| format!("站{i}\"")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        write_matrix_json(&mut out, &ids, &d, &t, &["x"]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["ids"][3], "站3\"");
        assert_eq!(v["unreachable"][0], "x");
        for i in 0..n {
            for j in 0..n {
                let (got_d, got_t) = (&v["distances_m"][i][j], &v["durations_s"][i][j]);
                match (d(i, j), t(i, j)) {
                    (Some(a), Some(b)) => {
                        assert!((got_d.as_f64().unwrap() - a).abs() <= 0.05 + 1e-9);
                        assert!((got_t.as_f64().unwrap() - b).abs() <= 0.05 + 1e-9);
                    }
                    _ => assert!(got_d.is_null() && got_t.is_null()),
                }
            }
        }
    }
}
