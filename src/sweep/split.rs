//! Cutting the postman circuit into shifts ("route first, cluster second").
//!
//! A shift walks from the start point to some node of the circuit, follows the
//! circuit, and walks back. Shifts begin and end at sweeping steps (deadheading at the
//! cut is replaced by the walks there and back). Dynamic programming over the cut
//! points finds the fewest shifts within the limit, then the shortest total.

use super::SweepError;
use crate::units::Metres;

/// What the splitter needs to know of one step of the circuit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInfo {
    /// The node the step leaves.
    pub from: usize,
    /// The node the step arrives at.
    pub to: usize,
    /// Walking length of the step, in metres.
    pub length_m: Metres,
    /// The step sweeps a required edge; a shift only starts or ends on such a step.
    pub service: bool,
}

/// One shift: circuit steps `first..=last`, plus the walks there and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// Index of the shift's first circuit step.
    pub first: usize,
    /// Index of its last circuit step (inclusive).
    pub last: usize,
    /// Start point → `from` of step `first`, `to` of step `last` → start point, and the
    /// circuit part between: the whole shift's length.
    pub length_m: Metres,
}

/// Splits `steps` into shifts of at most `limit_m` each; `from_start_m(v)` is the
/// walking distance between the start point and node `v` (the same both ways).
///
/// ```
/// use gridpatrol::sweep::split::{split, StepInfo};
/// let step = |from, to| StepInfo { from, to, length_m: 100.0, service: true };
/// // Two 100 m dead ends out of the start node 0, and shifts of 300 m.
/// let steps = [step(0, 1), step(1, 0), step(0, 2), step(2, 0)];
/// let from_start = |v: usize| [0.0, 100.0, 100.0][v];
/// let cuts = split(&steps, &from_start, 300.0).unwrap();
/// assert_eq!(cuts.len(), 2);
/// assert_eq!(cuts.iter().map(|c| c.length_m).sum::<f64>(), 400.0);
/// ```
pub fn split(
    steps: &[StepInfo],
    from_start_m: &dyn Fn(usize) -> Metres,
    limit_m: Metres,
) -> Result<Vec<Cut>, SweepError> {
    let service: Vec<usize> = (0..steps.len()).filter(|&i| steps[i].service).collect();
    let m = service.len();
    if m == 0 {
        return Ok(Vec::new());
    }
    let mut prefix = vec![0.0; steps.len() + 1];
    for (i, s) in steps.iter().enumerate() {
        prefix[i + 1] = prefix[i] + s.length_m;
    }
    let shift_m = |a: usize, b: usize| {
        let (first, last) = (service[a], service[b]);
        from_start_m(steps[first].from) + prefix[last + 1] - prefix[first]
            + from_start_m(steps[last].to)
    };
    let whole = shift_m(0, m - 1);
    if whole <= limit_m {
        return Ok(vec![cut(&service, 0, m - 1, whole)]);
    }
    // best[b] = (shifts, metres) to sweep service steps 0..b; from[b] = where the last shift began.
    let mut best = vec![(usize::MAX, f64::INFINITY); m + 1];
    let mut from = vec![0usize; m + 1];
    best[0] = (0, 0.0);
    for a in 0..m {
        if best[a].0 == usize::MAX {
            continue;
        }
        let there_m = from_start_m(steps[service[a]].from);
        for b in a..m {
            let out_m = there_m + prefix[service[b] + 1] - prefix[service[a]];
            if out_m > limit_m && b > a {
                break; // only longer from here on
            }
            let len = shift_m(a, b);
            if len > limit_m {
                if b == a {
                    return Err(SweepError::ShiftTooShort {
                        needed_m: len,
                        limit_m,
                    });
                }
                continue;
            }
            let cand = (best[a].0 + 1, best[a].1 + len);
            if cand.0 < best[b + 1].0 || (cand.0 == best[b + 1].0 && cand.1 < best[b + 1].1) {
                best[b + 1] = cand;
                from[b + 1] = a;
            }
        }
    }
    if best[m].0 == usize::MAX {
        return Err(SweepError::ShiftTooShort {
            needed_m: whole,
            limit_m,
        });
    }
    let mut cuts = Vec::with_capacity(best[m].0);
    let mut b = m;
    while b > 0 {
        let a = from[b];
        cuts.push(cut(&service, a, b - 1, shift_m(a, b - 1)));
        b = a;
    }
    cuts.reverse();
    Ok(cuts)
}

fn cut(service: &[usize], a: usize, b: usize, length_m: Metres) -> Cut {
    Cut {
        first: service[a],
        last: service[b],
        length_m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, service: impl Fn(usize) -> bool) -> Vec<StepInfo> {
        (0..n)
            .map(|i| StepInfo {
                from: i,
                to: (i + 1) % n,
                length_m: 10.0,
                service: service(i),
            })
            .collect()
    }

    #[test]
    fn one_shift_when_it_fits() {
        let steps = line(6, |_| true);
        let cuts = split(&steps, &|_| 0.0, 60.0).unwrap();
        assert_eq!(
            cuts,
            vec![Cut {
                first: 0,
                last: 5,
                length_m: 60.0
            }]
        );
    }

    #[test]
    fn deadheading_at_a_cut_is_dropped() {
        // Steps 2 and 3 are deadheading; the start is next to every node.
        let steps = line(6, |i| i != 2 && i != 3);
        let cuts = split(&steps, &|_| 1.0, 25.0).unwrap();
        assert_eq!(cuts.len(), 2);
        assert_eq!((cuts[0].first, cuts[0].last), (0, 1));
        assert_eq!((cuts[1].first, cuts[1].last), (4, 5));
        assert_eq!(cuts[0].length_m, 22.0);
    }

    #[test]
    fn too_far_start_is_an_error() {
        let steps = line(3, |_| true);
        assert!(matches!(
            split(&steps, &|_| 100.0, 150.0),
            Err(SweepError::ShiftTooShort { .. })
        ));
    }

    /// Against every way of cutting a short circuit into contiguous groups.
    #[test]
    fn dp_matches_enumeration() {
        let steps: Vec<StepInfo> = (0..9)
            .map(|i| StepInfo {
                from: i,
                to: (i + 1) % 9,
                length_m: [30.0, 5.0, 40.0, 10.0, 25.0, 35.0, 5.0, 20.0, 15.0][i],
                service: i % 4 != 3,
            })
            .collect();
        let dist = |v: usize| [0.0, 12.0, 30.0, 25.0, 40.0, 33.0, 20.0, 14.0, 6.0][v];
        let cuts = split(&steps, &dist, 110.0).unwrap();
        let service: Vec<usize> = (0..9).filter(|&i| steps[i].service).collect();
        let m = service.len();
        let mut best = (usize::MAX, f64::INFINITY);
        // Bit k of `mask` set: a shift ends after service step k.
        for mask in 0u32..(1 << (m - 1)) {
            let (mut count, mut total, mut a, mut ok) = (0, 0.0, 0, true);
            for b in 0..m {
                if b == m - 1 || mask & (1 << b) != 0 {
                    let (f, l) = (service[a], service[b]);
                    let len = dist(steps[f].from)
                        + steps[f..=l].iter().map(|s| s.length_m).sum::<f64>()
                        + dist(steps[l].to);
                    ok &= len <= 110.0;
                    count += 1;
                    total += len;
                    a = b + 1;
                }
            }
            if ok && (count < best.0 || (count == best.0 && total < best.1)) {
                best = (count, total);
            }
        }
        let total: f64 = cuts.iter().map(|c| c.length_m).sum();
        assert_eq!(cuts.len(), best.0);
        assert!((total - best.1).abs() < 1e-9);
    }
}
