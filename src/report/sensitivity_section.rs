//! The report's section on a sensitivity screen: which assumptions the verdict rests on
//! and where it flips.

use super::Study;
use super::html::{Cell, escape, sentence, table};
use super::sections::figure;
use crate::output::table::value_text_plain;
use crate::sensitivity::output::difference_header;

/// The section, empty when the study has no screen.
pub fn section(study: &Study) -> String {
    let Some(s) = &study.sensitivity else {
        return String::new();
    };
    let mut out = format!(
        "<h2>Which assumptions decide the answer</h2>\n<p>Each assumption below was set to a low and a high value, one at a time, the others at the base ({} per variant at every point, the same replications everywhere, so differences between points come from the assumption rather than from other random draws, though each point's mean keeps some replication noise: see its interval){}.</p>\n<ul class=\"sentences\">\n",
        if s.replications == 1 {
            "1 replication".to_string()
        } else {
            format!("{} replications", s.replications)
        },
        if s.trajectories > 0 {
            format!(
                "; {} over the same ranges {} for interactions",
                crate::output::plural_of(
                    s.trajectories as u64,
                    "Morris trajectory",
                    "Morris trajectories"
                ),
                if s.trajectories == 1 { "looks" } else { "look" }
            )
        } else {
            String::new()
        }
    );
    for line in &s.sentences {
        out.push_str(&format!("<li>{}</li>\n", sentence(line)));
    }
    out.push_str("</ul>\n");
    for stem in &s.pictures {
        let metric = stem.trim_start_matches("tornado_");
        out.push_str(&figure(
            study,
            stem,
            &format!(
                "Tornado: each variant's difference from {} on {metric} as each assumption goes from its low value to its high value (marker at the high end, black tick at the base), the assumption that moves it most at the top. A bar crossing the dashed zero line has opposite signs at the low and the high value; whether either end differs from the base, and whether clearly, is in the stability table below.",
                s.baseline
            ),
        ));
    }
    for t in &s.stability {
        let mut header = vec![difference_header(&t.metric, &s.baseline)];
        header.extend(t.variants.iter().cloned());
        let rows: Vec<Vec<Cell>> = t
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![Cell::text(&r.setting)];
                row.extend(r.cells.iter().map(|(d, h)| {
                    let class = match h.as_str() {
                        "flips" => "worse",
                        "reverses" | "weakens" => "same",
                        _ => "num",
                    };
                    let text = if h.is_empty() {
                        d.clone()
                    } else {
                        format!("{d} {h}")
                    };
                    Cell::number(&text, class)
                }));
                row
            })
            .collect();
        out.push_str(&format!(
            "<h3>Does the comparison on {} hold?</h3>\n{}",
            escape(&t.metric),
            table(&header, &rows)
        ));
    }
    out.push_str("<p class=\"note\">Difference from the baseline [95% CI] at the base and at each value; * the interval excludes zero. Unmarked: holds (the same sign and significance, or no clear difference at the base nor here, whatever the signs). weakens: no longer clear; strengthens: now clear; reverses: a clear difference turns to the other sign, not clearly; flips (red): a clear difference turns clearly to the other sign.</p>\n");
    for t in &s.morris {
        let mut header = vec![format!("{}: mu* (sigma)", t.metric)];
        header.extend(t.variants.iter().cloned());
        let rows: Vec<Vec<Cell>> = t
            .rows
            .iter()
            .map(|(name, stats)| {
                let mut row = vec![Cell::text(name)];
                row.extend(stats.iter().map(|(mu, sd)| {
                    Cell::number(
                        &format!("{} ({})", value_text_plain(*mu), value_text_plain(*sd)),
                        "num",
                    )
                }));
                row
            })
            .collect();
        out.push_str(&format!(
            "<h3>Morris screening on {}</h3>\n{}",
            escape(&t.metric),
            table(&header, &rows)
        ));
    }
    if !s.morris.is_empty() {
        out.push_str(&format!(
            "<p class=\"note\">Morris elementary effects (Morris 1991; mu* from Campolongo, Cariboni and Saltelli 2007) over {} on a {}-level grid: mu* is the mean absolute change in each variant's difference from {} when the assumption moves from its low to its high value (shares in percentage points), sigma the spread of that change (a large sigma means the effect depends on the other assumptions; n/a with one trajectory). All numbers are in sensitivity.csv and morris.csv.</p>\n",
            crate::output::plural_of(s.trajectories as u64, "trajectory", "trajectories"),
            s.levels,
            escape(&s.baseline)
        ));
    }
    out
}
