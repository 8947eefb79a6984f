//! Morris elementary-effects screening (Morris 1991, "Factorial sampling plans for
//! preliminary computational experiments", Technometrics 33(2)), with mu* (the mean of
//! absolute effects) from Campolongo, Cariboni and Saltelli (2007), "An effective screening
//! design for sensitivity analysis of large models", Environmental Modelling & Software 22.
//!
//! Each factor lives on [0, 1] (its low value to its high value) on a grid of `levels`
//! points; a trajectory starts at a random grid point and moves one factor at a time by
//! `delta = levels / (2 (levels - 1))`, in a random order and direction, so `k` factors cost
//! `k + 1` model runs per trajectory. A factor's elementary effect is the change in the
//! output over the change in the factor's position; over the trajectories, mu* says how
//! much a factor matters, sigma how much its effect depends on where the others are
//! (interactions or curvature).

use rand::Rng;
use rand::seq::SliceRandom;

/// One trajectory: `points[j]` is the j-th point (one position in [0, 1] per factor);
/// `changed[j]` is the factor moved between point j and point j + 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// The k + 1 points, each with k factor positions in [0, 1].
    pub points: Vec<Vec<f64>>,
    /// The factor changed at each step (a permutation of the factors).
    pub changed: Vec<usize>,
}

/// The step of a Morris design with `levels` grid levels: levels / (2 (levels - 1)).
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `trajectories` random trajectories over `factors` factors on a grid of `levels` (even,
/// at least 2) levels, drawn from `rng`.
pub fn design(
    factors: usize,
    levels: usize,
    trajectories: usize,
    rng: &mut impl Rng,
) -> Vec<Trajectory> {
    assert!(
        levels >= 2 && levels.is_multiple_of(2),
        "levels must be even and at least 2"
    );
    let step = delta(levels);
    // Base levels 0, 1/(p-1), ..., 1 - delta: the first p/2 grid points.
    let bases = levels / 2;
    (0..trajectories)
        .map(|_| {
            let mut point: Vec<f64> = (0..factors)
                .map(|_| {
                    let base = rng.random_range(0..bases) as f64 / (levels as f64 - 1.0);
                    if rng.random_bool(0.5) {
                        base
                    } else {
                        base + step
                    }
                })
                .collect();
            let mut changed: Vec<usize> = (0..factors).collect();
            changed.shuffle(rng);
            let mut points = vec![point.clone()];
            for &i in &changed {
                // Up from a base level, down from a base level plus delta.
                if point[i] + step <= 1.0 + 1e-12 {
                    point[i] += step;
                } else {
                    point[i] -= step;
                }
                points.push(point.clone());
            }
            Trajectory { points, changed }
        })
        .collect()
}

/// Pairwise distances of candidate trajectories cost about (k + 1)² k operations each;
/// the candidate count is capped so that choosing among them stays under about this many.
const SPREAD_BUDGET: f64 = 2e8;

/// Most candidate trajectories drawn: their squared distances are kept in a matrix (2,000
/// candidates: 32 MB).
const MAX_CANDIDATES: usize = 2000;

/// The distance between two trajectories: the sum of the Euclidean distances between every
/// point of one and every point of the other (Campolongo, Cariboni and Saltelli 2007, eq. 3).
pub fn distance(a: &Trajectory, b: &Trajectory) -> f64 {
    let mut total = 0.0;
    for x in &a.points {
        for y in &b.points {
            total += x
                .iter()
                .zip(y)
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>()
                .sqrt();
        }
    }
    total
}

/// The spread of a set of trajectories: the root of the sum of their squared pairwise
/// distances (Campolongo et al. 2007, eq. 4).
pub fn spread(set: &[Trajectory]) -> f64 {
    let mut sum = 0.0;
    for (i, a) in set.iter().enumerate() {
        for b in &set[i + 1..] {
            sum += distance(a, b).powi(2);
        }
    }
    sum.sqrt()
}

/// `trajectories` trajectories chosen for their spread over the factor space, after
/// Campolongo et al. (2007): ten times as many random candidates are drawn (fewer when
/// that would be slow: never fewer than asked), and the set is grown greedily, starting
/// from the farthest pair and adding each time the candidate with the largest summed
/// squared distance to those already chosen (the forward selection of Ruano et al. 2012,
/// "An improved sampling strategy based on trajectory design for application of the
/// Morris method to systems with many input factors", Environmental Modelling & Software
/// 37). Spread-out trajectories cover the ranges better than random ones, and a
/// trajectory is not drawn twice when distinct ones exist.
pub fn spread_design(
    factors: usize,
    levels: usize,
    trajectories: usize,
    rng: &mut impl Rng,
) -> Vec<Trajectory> {
    let per_pair = ((factors + 1) * (factors + 1) * factors.max(1)) as f64;
    let affordable = ((2.0 * SPREAD_BUDGET / per_pair).sqrt() as usize).min(MAX_CANDIDATES);
    let count = (10 * trajectories).min(affordable).max(trajectories);
    let candidates = design(factors, levels, count, rng);
    if count == trajectories || trajectories < 2 {
        return candidates.into_iter().take(trajectories).collect();
    }
    // Equal candidates share a class: the index of the first of them.
    let class: Vec<usize> = (0..count)
        .map(|c| {
            (0..=c)
                .find(|&o| candidates[o] == candidates[c])
                .unwrap_or(c)
        })
        .collect();
    let mut d = vec![vec![0.0; count]; count];
    for i in 0..count {
        for j in i + 1..count {
            let x = distance(&candidates[i], &candidates[j]).powi(2);
            d[i][j] = x;
            d[j][i] = x;
        }
    }
    // The farthest distinct pair (the first such on a tie), then the farthest from the chosen.
    let mut first = (0, 1);
    for i in 0..count {
        for j in i + 1..count {
            let better = d[i][j] > d[first.0][first.1] || class[first.0] == class[first.1];
            if better && class[i] != class[j] {
                first = (i, j);
            }
        }
    }
    let mut taken = vec![false; count];
    let mut class_taken = vec![false; count];
    let mut gain = vec![0.0; count];
    let mut chosen = Vec::with_capacity(trajectories);
    let mut next = Some(first.0);
    let mut second = Some(first.1);
    while let Some(c) = next {
        taken[c] = true;
        class_taken[class[c]] = true;
        chosen.push(c);
        for (o, g) in gain.iter_mut().enumerate() {
            *g += d[o][c];
        }
        if chosen.len() == trajectories {
            break;
        }
        // A candidate equal to a chosen one only when no distinct one is left.
        let pick = |distinct: bool| {
            (0..count)
                .filter(|&c| !(taken[c] || (distinct && class_taken[class[c]])))
                .max_by(|&a, &b| gain[a].total_cmp(&gain[b]).then(b.cmp(&a)))
        };
        next = second.take().or_else(|| pick(true)).or_else(|| pick(false));
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|c| candidates[c].clone()).collect()
}

/// The elementary effects of one trajectory, one per factor (in factor order): the change
/// of `outputs` (one per point) over the change of the factor's position, read from
/// `positions` (one row per point: where each factor really was, e.g. after rounding an
/// integer or reading a yes/no factor as 0 or 1). A step that did not move its factor
/// (possible after rounding) gives NaN.
pub fn effects(trajectory: &Trajectory, outputs: &[f64], positions: &[Vec<f64>]) -> Vec<f64> {
    let mut out = vec![f64::NAN; trajectory.changed.len()];
    for (j, &i) in trajectory.changed.iter().enumerate() {
        let moved = positions[j + 1][i] - positions[j][i];
        if moved != 0.0 {
            out[i] = (outputs[j + 1] - outputs[j]) / moved;
        }
    }
    out
}

/// A factor's screening statistics over its elementary effects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screening {
    /// Finite elementary effects used.
    pub n: usize,
    /// Mean effect (signed: effects of opposite sign cancel).
    pub mu: f64,
    /// Mean absolute effect: how much the factor matters.
    pub mu_star: f64,
    /// Sample standard deviation of the effects: interactions or non-linearity.
    pub sigma: f64,
}

impl Screening {
    /// The statistics of `effects` (NaN ones skipped).
    pub fn of(effects: &[f64]) -> Screening {
        let finite: Vec<f64> = effects.iter().copied().filter(|e| e.is_finite()).collect();
        let abs: Vec<f64> = finite.iter().map(|e| e.abs()).collect();
        Screening {
            n: finite.len(),
            mu: crate::stats::mean(&finite),
            mu_star: crate::stats::mean(&abs),
            sigma: crate::stats::sample_sd(&finite),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;
    use rand::SeedableRng;

    fn screen(k: usize, r: usize, f: impl Fn(&[f64]) -> f64) -> Vec<Screening> {
        let mut rng = Stream::seed_from_u64(42);
        let design = spread_design(k, 4, r, &mut rng);
        let mut per_factor = vec![Vec::new(); k];
        for t in &design {
            let outputs: Vec<f64> = t.points.iter().map(|x| f(x)).collect();
            for (i, e) in effects(t, &outputs, &t.points).into_iter().enumerate() {
                per_factor[i].push(e);
            }
        }
        per_factor.iter().map(|e| Screening::of(e)).collect()
    }

    #[test]
    fn trajectories_move_one_factor_by_delta_and_stay_on_the_grid() {
        let mut rng = Stream::seed_from_u64(1);
        let d = delta(4);
        assert!((d - 2.0 / 3.0).abs() < 1e-12);
        for t in design(5, 4, 30, &mut rng) {
            assert_eq!(t.points.len(), 6);
            let mut order = t.changed.clone();
            order.sort_unstable();
            assert_eq!(order, [0, 1, 2, 3, 4]);
            for (j, &i) in t.changed.iter().enumerate() {
                for f in 0..5 {
                    let step = t.points[j + 1][f] - t.points[j][f];
                    if f == i {
                        assert!((step.abs() - d).abs() < 1e-12);
                    } else {
                        assert_eq!(step, 0.0);
                    }
                }
            }
            for x in t.points.iter().flatten() {
                let level = x * 3.0;
                assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
            }
        }
    }

    #[test]
    fn a_linear_function_has_its_coefficients_as_effects_and_no_spread() {
        let a = [3.0, -2.0, 0.0, 0.5];
        let s = screen(4, 10, |x| {
            x.iter().zip(&a).map(|(x, a)| x * a).sum::<f64>() + 7.0
        });
        for (s, a) in s.iter().zip(a) {
            assert_eq!(s.n, 10);
            assert!((s.mu - a).abs() < 1e-9, "{s:?} {a}");
            assert!((s.mu_star - a.abs()).abs() < 1e-9);
            assert!(s.sigma < 1e-9);
        }
    }

    #[test]
    fn an_interaction_shows_as_spread_and_an_unused_factor_as_nothing() {
        // y = x0 * x1: the effect of x0 is x1 where the step happens, so it varies.
        let s = screen(3, 40, |x| x[0] * x[1]);
        for i in [0, 1] {
            assert!(s[i].sigma > 0.1, "{:?}", s[i]);
            // x1 sits at 0, 1/3, 2/3 or 1: the effects lie in [0, 1] with mean near 1/2.
            assert!((0.3..0.7).contains(&s[i].mu_star), "{:?}", s[i]);
        }
        assert_eq!(s[2].mu_star, 0.0);
        assert_eq!(s[2].sigma, 0.0);
    }

    #[test]
    fn the_g_function_ranks_factors_by_their_known_importance() {
        // Sobol's g-function: factor i matters less the larger a_i (Saltelli et al. 2008,
        // Global Sensitivity Analysis: The Primer, section 3.6).
        let a = [0.0, 1.0, 4.5, 9.0, 99.0];
        let g = |x: &[f64]| {
            x.iter()
                .zip(&a)
                .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
                .product::<f64>()
        };
        let s = screen(5, 60, g);
        for w in s.windows(2) {
            assert!(w[0].mu_star > w[1].mu_star, "{s:?}");
        }
    }

    #[test]
    fn spread_trajectories_cover_more_than_random_ones_and_stay_valid() {
        for (k, levels, r) in [(3, 4, 4), (13, 4, 4), (5, 2, 3), (2, 4, 10)] {
            let chosen = spread_design(k, levels, r, &mut Stream::seed_from_u64(7));
            let random = design(k, levels, r, &mut Stream::seed_from_u64(7));
            assert_eq!(chosen.len(), r);
            // The candidates begin with the random design, so the greedy choice can only
            // spread at least as far (checked, not assumed).
            assert!(spread(&chosen) >= spread(&random), "{k} {levels} {r}");
            for t in &chosen {
                assert_eq!(t.points.len(), k + 1);
                for (j, &i) in t.changed.iter().enumerate() {
                    let step = t.points[j + 1][i] - t.points[j][i];
                    assert!((step.abs() - delta(levels)).abs() < 1e-12);
                }
            }
            for (i, a) in chosen.iter().enumerate() {
                assert!(chosen[i + 1..].iter().all(|b| b != a), "a trajectory twice");
            }
        }
        // Two factors on two levels have only 8 distinct trajectories: 3 are all distinct.
        let few = spread_design(2, 2, 3, &mut Stream::seed_from_u64(1));
        assert!(few[0] != few[1] && few[1] != few[2] && few[0] != few[2]);
    }

    #[test]
    fn distance_and_spread_follow_their_definitions() {
        let t = |points: Vec<Vec<f64>>| Trajectory {
            changed: vec![0],
            points,
        };
        let a = t(vec![vec![0.0, 0.0], vec![1.0, 0.0]]);
        let b = t(vec![vec![0.0, 1.0], vec![1.0, 1.0]]);
        // |00-01| + |00-11| + |10-01| + |10-11| = 1 + √2 + √2 + 1.
        let d = 2.0 + 2.0 * 2f64.sqrt();
        assert!((distance(&a, &b) - d).abs() < 1e-12);
        assert!((spread(&[a.clone(), b.clone()]) - d).abs() < 1e-12);
        assert_eq!(spread(&[a]), 0.0);
    }

    #[test]
    fn effects_use_the_positions_actually_taken() {
        let t = Trajectory {
            points: vec![vec![0.0], vec![2.0 / 3.0]],
            changed: vec![0],
        };
        // A yes/no factor read as 0 and 1: the effect is the full low-to-high change.
        assert_eq!(effects(&t, &[1.0, 3.0], &[vec![0.0], vec![1.0]]), [2.0]);
        assert!(effects(&t, &[1.0, 3.0], &[vec![0.0], vec![0.0]])[0].is_nan());
    }
}
