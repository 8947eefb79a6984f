//! The terminal table: one row per variant, one column per main metric, each cell
//! `mean [ci95_low, ci95_high]`.

use crate::experiment::ExperimentResults;
use crate::metrics::{METRICS, metric_index};
use crate::stats::Summary;

/// The metrics shown in the table, in column order, with their column labels
/// (metrics missing from `METRICS` are skipped). Labels of `share` metrics get ` %`.
pub const TABLE_METRICS: &[(&str, &str)] = &[
    ("conversion_rate", "conversion"),
    ("leads_won", "won"),
    ("visits_per_rep_day", "visits/rep-day"),
    ("effective_visits_per_rep_day", "effective/rep-day"),
    ("quota_days_share", "quota days"),
    ("reclaimed_share", "reclaimed"),
    ("hours_to_first_contact", "h to 1st contact"),
    ("gini_wins", "gini wins"),
    ("nh_win_ratio", "NH/vet wins"),
    ("nh_lead_quality_ratio", "NH/vet lead quality"),
];

/// Decimals for a value of this size: about three significant digits, none from 100 up.
fn decimals(x: f64) -> usize {
    match x.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    }
}

/// One cell: `mean [lo, hi]` scaled by `scale`, with decimals chosen from the mean;
/// just the mean when there is no interval (fewer than two finite values); `n/a` when
/// there is no finite value at all.
pub fn cell(s: &Summary, scale: f64) -> String {
    let mean = s.mean * scale;
    if !mean.is_finite() {
        return "n/a".into();
    }
    let p = decimals(mean);
    let (lo, hi) = (s.ci95_low * scale, s.ci95_high * scale);
    if lo.is_finite() && hi.is_finite() {
        format!("{mean:.p$} [{lo:.p$}, {hi:.p$}]")
    } else {
        format!("{mean:.p$}")
    }
}

/// The table as text, ending with a newline: a header row, one row per variant, and a
/// legend line. Metrics whose unit is `share` are shown as percentages.
pub fn render(results: &ExperimentResults) -> String {
    let columns: Vec<(usize, &str, bool)> = TABLE_METRICS
        .iter()
        .filter_map(|&(name, label)| metric_index(name).map(|m| (m, label)))
        .map(|(m, label)| (m, label, METRICS[m].unit == "share"))
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(results.variants.len() + 1);
    rows.push(
        std::iter::once("variant".to_string())
            .chain(columns.iter().map(|&(_, label, pct)| {
                if pct {
                    format!("{label} %")
                } else {
                    label.to_string()
                }
            }))
            .collect(),
    );
    for (variant, summaries) in results.variants.iter().zip(&results.summaries) {
        let mut row = vec![variant.name.clone()];
        for &(m, _, pct) in &columns {
            let scale = if pct { 100.0 } else { 1.0 };
            row.push(summaries.get(m).map_or("n/a".into(), |s| cell(s, scale)));
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..=columns.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            if c == 0 {
                line.push_str(&format!("{text:<w$}", w = widths[0]));
            } else {
                line.push_str(&format!("  {text:>w$}", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "mean [95% CI] over {} replication{} per variant; % columns are shares in percent; \
         NH/vet: new hires over veterans (per rep-day wins; mean lead propensity)\n",
        results.replications,
        if results.replications == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn summary(mean: f64, lo: f64, hi: f64) -> Summary {
        Summary {
            n: 10,
            mean,
            sd: 1.0,
            ci95_low: lo,
            ci95_high: hi,
        }
    }

    #[test]
    fn every_table_metric_exists() {
        for (name, _) in TABLE_METRICS {
            assert!(metric_index(name).is_some(), "{name}");
        }
    }

    #[test]
    fn cells_are_compact() {
        assert_eq!(
            cell(&summary(0.02346, 0.0231, 0.0238), 100.0),
            "2.35 [2.31, 2.38]"
        );
        assert_eq!(
            cell(&summary(1234.4, 1200.2, 1268.7), 1.0),
            "1234 [1200, 1269]"
        );
        assert_eq!(cell(&summary(26.34, 25.0, 27.7), 1.0), "26.3 [25.0, 27.7]");
        assert_eq!(
            cell(&summary(0.4123, 0.405, 0.419), 1.0),
            "0.412 [0.405, 0.419]"
        );
        assert_eq!(cell(&summary(3.0, f64::NAN, f64::NAN), 1.0), "3.00");
        assert_eq!(cell(&summary(f64::NAN, f64::NAN, f64::NAN), 1.0), "n/a");
    }

    #[test]
    fn one_row_per_variant() {
        let variants = Scenario::embedded().resolved_variants().unwrap()[..2].to_vec();
        let summaries = vec![vec![summary(0.5, 0.4, 0.6); METRICS.len()]; 2];
        let results = ExperimentResults {
            variants,
            replications: 10,
            runs: vec![Vec::new(), Vec::new()],
            summaries,
        };
        let text = render(&results);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("variant "), "{}", lines[0]);
        assert!(lines[0].contains("conversion %"), "{}", lines[0]);
        assert!(lines[1].starts_with("hoarding "), "{}", lines[1]);
        assert!(lines[1].contains("50.0 [40.0, 60.0]"), "{}", lines[1]);
        assert!(lines[2].contains("0.500 [0.400, 0.600]"), "{}", lines[2]);
        assert!(lines[3].contains("10 replications"));
    }
}
