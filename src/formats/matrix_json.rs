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
            Some(v) => write!(out, "{}", tenths(v))?,
            None => out.write_all(b"null")?,
        }
    }
    out.write_all(b"]")
}

/// `v` rounded to 0.1 and written without trailing zeros (`12`, `12.5`, `-0.5`).
fn tenths(v: f64) -> String {
    let t = (v * 10.0).round() as i64;
    let (sign, t) = if t < 0 { ("-", -t) } else { ("", t) };
    if t % 10 == 0 {
        format!("{sign}{}", t / 10)
    } else {
        format!("{sign}{}.{}", t / 10, t % 10)
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

    #[test]
    fn tenths_round_half_away_and_drop_zeros() {
        assert_eq!(tenths(12.04), "12");
        assert_eq!(tenths(12.05), "12.1");
        assert_eq!(tenths(0.0), "0");
        assert_eq!(tenths(-0.04), "0");
        assert_eq!(tenths(-1.26), "-1.3");
        assert_eq!(tenths(1_234_567.89), "1234567.9");
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
