//! The report's sections, each a piece of HTML built from the study.

use super::Study;
use super::html::{Cell, escape, inline_svg, sentence, table};
use super::sentences::{self, fairness_metrics, versus_baseline};
use super::variants_table::changes_outside_policy;
use crate::metrics::{Better, METRICS, metric_index};
use crate::output::table::{TABLE_METRICS, cell, diff_cell};
use crate::output::{plural, probability_text};

fn name(study: &Study, v: usize) -> &str {
    &study.results.variants[v].name
}

/// Title, the scenario's own description, and the run in one line.
pub fn heading(study: &Study) -> String {
    let s = &study.scenario;
    let lede = if s.description.trim().is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"lede\">{} <span class=\"note\">(the scenario's own description)</span></p>\n",
            escape(&s.description)
        )
    };
    format!(
        "<h1>Which lead-pool policy? <span class=\"note\">{}</span></h1>\n\
         {lede}\
         <p class=\"note\">salesim {} &middot; {} per variant &middot; {} &middot; seed {} &middot; baseline <code>{}</code></p>\n",
        escape(&s.name),
        escape(&study.run.version),
        plural(study.results.replications, "replication"),
        s.horizon_text(&study.results.variants),
        s.seed,
        escape(name(study, study.analysis.baseline)),
    )
}

/// The question and the scenario in plain words.
pub fn question(study: &Study) -> String {
    let s = &*study.described_scenario();
    let o = &s.org;
    let variants: Vec<String> = study
        .results
        .variants
        .iter()
        .map(|v| format!("<code>{}</code>", escape(&v.name)))
        .collect();
    let metric = &METRICS[study.analysis.verdict.metric];
    let offices = if s.offices.len() > 1 {
        format!(", working from {} branch offices", s.offices.len())
    } else {
        String::new()
    };
    let hiring = if o.hires_per_batch > 0 && o.hire_every_days > 0 {
        format!(
            "; {} join every {} working days",
            plural(o.hires_per_batch, "new hire"),
            o.hire_every_days
        )
    } else {
        String::new()
    };
    let city = match &s.city.companies_csv {
        Some(list) => format!(
            "The companies, their buildings and districts come from the customer list <code>{}</code>",
            escape(list)
        ),
        None => format!(
            "The city is {} km across with {} office buildings in {} business districts",
            s.city.size_km, s.city.buildings, s.city.districts
        ),
    };
    let which = if changes_outside_policy(study) {
        "Which variant"
    } else {
        "Which lead-pool policy"
    };
    let ask = if metric.name == "conversion_rate" {
        format!("{which} converts the most leads")
    } else {
        format!(
            "{which} gives the {} {}",
            if metric.better == Better::Lower {
                "lowest"
            } else {
                "highest"
            },
            metric.name
        )
    };
    format!(
        "<h2>The question</h2>\n\
         <p>{ask}, how fair is it to new hires, and what does one cost in the other? \
         This study compares {} ({}) on <strong>{}</strong>: {}</p>\n\
         <p>The simulated sales force: {} veterans and {} new hires in {} teams{offices}{hiring}. \
         Marketing brings {} leads into the public pool each working day, and {}. \
         Reps leave the office at {}, aim for {} visits a day ({} with the decision-maker), must be back by {}, and enter their day into the CRM in the evening. \
         {city}; travel is limited by traffic that varies over the day. \
         Each variant runs {} of {} ({} days a week).{}</p>\n",
        if changes_outside_policy(study) {
            plural(study.results.variants.len() as u64, "variant")
        } else {
            crate::output::plural_of(study.results.variants.len() as u64, "policy", "policies")
        },
        variants.join(", "),
        metric.name,
        escape(&lowercase_first(metric.meaning)),
        o.veterans,
        o.new_hires,
        o.teams,
        s.leads.marketing_per_day,
        match s.leads.desk_per_rep {
            0 => "reps do no desk research".to_string(),
            n => format!("each rep finds {n} more at the desk each evening"),
        },
        s.day.depart,
        s.day.visit_quota,
        s.day.effective_quota,
        s.day.return_deadline,
        plural(study.results.replications, "replication"),
        s.horizon_text(&study.results.variants),
        s.calendar.working_days_per_week,
        if changes_outside_policy(study) {
            " Some variants change settings beyond the pool policy, so these are the scenario's numbers, not necessarily every variant's: the variants table says what each changes."
        } else {
            ""
        },
    )
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The verdict in sentences, in a box.
pub fn answer(study: &Study) -> String {
    let mut out = String::from("<h2>The answer</h2>\n<div class=\"verdict\" id=\"verdict\">\n");
    for s in sentences::verdict(&study.results, &study.analysis) {
        out.push_str(&format!("<p>{}</p>\n", sentence(&s)));
    }
    let r = &study.results;
    let ranked = r.variants.len() > 1 && crate::analysis::too_few_to_rank(r.replications).is_none();
    out.push_str(&format!(
        "</div>\n<p class=\"note\">{}A difference is clear when its 95% interval excludes zero.</p>\n",
        if ranked {
            format!(
                "Probability of being best: the share of {} paired bootstrap resamples of the replications in which the variant has the best mean. ",
                study.analysis.verdict.draws
            )
        } else {
            String::new()
        }
    ));
    out
}

/// Each variant against the baseline, one sentence each.
pub fn against_baseline(study: &Study) -> String {
    let b = study.analysis.baseline;
    let others: Vec<usize> = (0..study.results.variants.len())
        .filter(|&v| v != b)
        .collect();
    if others.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h2>Each variant against the baseline <code>{}</code></h2>\n<ul class=\"sentences\">\n",
        escape(name(study, b))
    );
    for v in others {
        out.push_str(&format!(
            "<li>{}</li>\n",
            sentence(&versus_baseline(&study.results, &study.analysis, v))
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// The table's metrics: the terminal table's, plus the ranking and fairness metrics.
fn table_metrics(study: &Study) -> Vec<usize> {
    let mut metrics: Vec<usize> = TABLE_METRICS
        .iter()
        .filter_map(|&(n, _)| metric_index(n))
        .collect();
    for m in std::iter::once(study.analysis.verdict.metric).chain(fairness_metrics(&study.analysis))
    {
        if !metrics.contains(&m) {
            metrics.push(m);
        }
    }
    metrics
}

/// A column's label: the terminal table's short label where it has one, else the
/// metric's name; shares marked `%`.
fn column_label(m: usize) -> String {
    let metric = &METRICS[m];
    let label = TABLE_METRICS
        .iter()
        .find(|(n, _)| *n == metric.name)
        .map_or(metric.name, |(_, label)| label);
    if metric.unit == "share" {
        format!("{label} %")
    } else {
        label.to_string()
    }
}

fn scale(m: usize) -> f64 {
    METRICS[m].display_scale()
}

/// The levels with intervals, probability best and floors met; then the paired
/// differences from the baseline, coloured by whether they are clear improvements.
pub fn numbers(study: &Study) -> String {
    let r = &study.results;
    let a = &study.analysis;
    let metrics = table_metrics(study);
    let mut header = vec!["variant".to_string()];
    header.extend(metrics.iter().map(|&m| column_label(m)));
    let ranked = r.variants.len() > 1 && crate::analysis::too_few_to_rank(r.replications).is_none();
    if ranked {
        header.push(format!("P(best on {})", METRICS[a.verdict.metric].name));
    }
    if !a.verdict.floors.is_empty() {
        header.push("mean meets the floors".into());
    }
    let rows: Vec<Vec<Cell>> = (0..r.variants.len())
        .map(|v| {
            let mut row = vec![Cell::text(name(study, v))];
            row.extend(
                metrics
                    .iter()
                    .map(|&m| Cell::number(&cell(&r.summaries[v][m], scale(m)), "num")),
            );
            if ranked {
                row.push(Cell::number(&probability_text(a.verdict.p_best[v]), "num"));
            }
            if !a.verdict.floors.is_empty() {
                row.push(Cell::text(
                    match crate::analysis::meets_floors(r, &a.verdict.floors, v) {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "n/a",
                    },
                ));
            }
            row
        })
        .collect();
    let mut out = format!(
        "<h2>The numbers</h2>\n<h3>Levels</h3>\n{}<p class=\"note\">Mean [95% confidence interval] over {} per variant; % columns are shares in percent. Columns: {}.</p>\n",
        table(&header, &rows),
        plural(r.replications, "replication"),
        escape(
            &metrics
                .iter()
                .map(|&m| format!("{} = {}", column_label(m), METRICS[m].name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    if r.variants.len() < 2 {
        return out;
    }
    let mut header = vec![format!("minus {}", name(study, a.baseline))];
    header.extend(metrics.iter().map(|&m| column_label(m)));
    // A variant without a reclaim timeout has no timeout reclaims at all: a lower
    // reclaimed share there is the rule's absence, not an improvement, so it is not coloured.
    let by_construction = |v: usize, m: usize| {
        crate::analysis::zero_by_construction(m, [&r.variants[v], &r.variants[a.baseline]])
            .is_some()
    };
    let mut uncoloured = false;
    let rows: Vec<Vec<Cell>> = (0..r.variants.len())
        .filter(|&v| v != a.baseline)
        .map(|v| {
            let mut row = vec![Cell::text(name(study, v))];
            for &m in &metrics {
                let c = a
                    .comparisons
                    .iter()
                    .find(|c| c.variant == v && c.metric == m);
                let plain = by_construction(v, m);
                uncoloured |= plain && c.is_some_and(|c| c.test.significant());
                row.push(match c {
                    Some(c) => {
                        let class = match (c.test.significant() && !plain, METRICS[m].better) {
                            (false, _) | (true, Better::Neither) => "same",
                            (true, better) => {
                                if better.oriented(c.test.mean_diff) > 0.0 {
                                    "better"
                                } else {
                                    "worse"
                                }
                            }
                        };
                        Cell::number(
                            diff_cell(&c.test, scale(m)).trim_end_matches(['*', ' ']),
                            class,
                        )
                    }
                    None => Cell::number("n/a", "same"),
                });
            }
            row
        })
        .collect();
    out.push_str(&format!(
        "<h3>Differences from the baseline</h3>\n{}<p class=\"note\">Variant minus <code>{}</code>, replication by replication (common random numbers), with the 95% interval of the mean difference; shares in percentage points. \
         <span class=\"legend-better\">Green</span>: a clear improvement; <span class=\"legend-worse\">red</span>: clearly worse; grey: the interval includes zero (or the metric has no better direction).{}</p>\n",
        table(&header, &rows),
        escape(name(study, a.baseline)),
        if uncoloured {
            " The reclaimed share is left grey where one of the two policies has no reclaim timeout: it reclaims nothing by construction, which is no improvement in follow-up."
        } else {
            ""
        }
    ));
    out
}

/// The picture `stem` as a figure with `caption`, when the study has it.
pub fn figure(study: &Study, stem: &str, caption: &str) -> String {
    study
        .pictures
        .iter()
        .find(|(s, _)| s == stem)
        .map(|(_, svg)| {
            format!(
                "<figure id=\"fig-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                escape(stem),
                inline_svg(svg, caption),
                escape(caption)
            )
        })
        .unwrap_or_default()
}

/// The trade-off picture's caption, from the axes the run drew it with.
fn tradeoff_caption(study: &Study) -> String {
    use crate::output::pictures::{tradeoff_axes, tradeoff_reference};
    let Some((x, y)) = tradeoff_axes(&study.analysis) else {
        return "The trade-off between the ranking metric and fairness.".into();
    };
    if (METRICS[x].name, METRICS[y].name) == ("conversion_rate", "nh_win_ratio") {
        return "Conversion against fairness: each variant's conversion rate (across) and new hires' wins per rep-day relative to veterans' (up), with 95% intervals. Up and to the right is better on both; the dashed line is parity.".into();
    }
    let better = match (METRICS[x].better, METRICS[y].better) {
        (Better::Neither, _) | (_, Better::Neither) => String::new(),
        (across, up) => format!(
            " {} and to the {} is better on both.",
            if up == Better::Higher { "Up" } else { "Down" },
            if across == Better::Higher {
                "right"
            } else {
                "left"
            }
        ),
    };
    let line = match tradeoff_reference(&study.analysis, y) {
        Some((_, label)) if label == "parity" => " The dashed line is parity.".into(),
        Some((_, label)) => format!(" The dashed line is the {label}."),
        None => String::new(),
    };
    format!(
        "{x_name} against {y_name}: each variant's mean {x_name} (across) and {y_name} (up), with 95% intervals.{better}{line}",
        x_name = METRICS[x].name,
        y_name = METRICS[y].name
    )
}

/// What a picture shows, for its caption.
fn caption(study: &Study, stem: &str) -> String {
    match stem {
        "tradeoff" => tradeoff_caption(study),
        "lorenz_wins" => "How evenly wins per working day are spread across reps (Lorenz curves, all replications pooled): the further a curve sags below the diagonal, the more the wins are concentrated in a few reps. The Gini in the legend is that of the pooled curve, so it can differ a little from the table's gini_wins, the mean of each replication's own Gini.".into(),
        "new_hire_ramp" => "New hires' expected cumulative wins by week since hire: how fast each policy lets a new hire start winning.".into(),
        s => match s.strip_prefix("metric_").or_else(|| s.strip_prefix("sweep_")).and_then(metric_index) {
            Some(m) if s.starts_with("sweep_") => format!("{} across the sweep's values, with 95% intervals. {}", METRICS[m].name, METRICS[m].meaning),
            Some(m) => format!("{}: each variant's mean with its 95% interval. {}", METRICS[m].name, METRICS[m].meaning),
            None => s.replace('_', " "),
        },
    }
}

/// The run's pictures inline: the trade-off, the ranking and fairness metrics, the Lorenz
/// curves, the ramp and any sweep first; the other metrics folded away.
pub fn pictures(study: &Study) -> String {
    if study.pictures.is_empty() {
        return String::new();
    }
    let mut first: Vec<String> = vec!["tradeoff".into()];
    first.push(format!(
        "metric_{}",
        METRICS[study.analysis.verdict.metric].name
    ));
    first.extend(
        fairness_metrics(&study.analysis)
            .iter()
            .map(|&m| format!("metric_{}", METRICS[m].name)),
    );
    first.extend(["lorenz_wins".into(), "new_hire_ramp".into()]);
    first.extend(
        study
            .pictures
            .iter()
            .filter(|(stem, _)| stem.starts_with("sweep_"))
            .map(|(stem, _)| stem.clone()),
    );
    let mut out = String::from("<h2>Pictures</h2>\n");
    for stem in &first {
        out.push_str(&figure(study, stem, &caption(study, stem)));
    }
    let rest: Vec<&(String, String)> = study
        .pictures
        .iter()
        .filter(|(s, _)| !first.contains(s) && !s.starts_with("tornado_"))
        .collect();
    if !rest.is_empty() {
        out.push_str("<details>\n<summary>More pictures: every other metric</summary>\n");
        for (stem, _) in rest {
            out.push_str(&figure(study, stem, &caption(study, stem)));
        }
        out.push_str("</details>\n");
    }
    out
}

/// What every metric means, its unit and which direction is better.
pub fn metric_meanings(_study: &Study) -> String {
    let rows: Vec<Vec<Cell>> = METRICS
        .iter()
        .map(|m| {
            vec![
                Cell::text(m.name),
                Cell::text(m.unit),
                Cell::text(m.better.as_str()),
                Cell::text(m.meaning),
            ]
        })
        .collect();
    format!(
        "<h2>What the metrics mean</h2>\n<details>\n<summary>All {} metrics (every one is in replications.csv and summary.csv)</summary>\n{}</details>\n",
        METRICS.len(),
        table(
            &[
                "metric".into(),
                "unit".into(),
                "better".into(),
                "meaning".into()
            ],
            &rows
        )
    )
}

/// How the numbers were made: replications, seed, common random numbers, interval and
/// ranking methods, what pairing saved, and the precision rule when one was used.
pub fn method(study: &Study) -> String {
    let r = &study.results;
    let a = &study.analysis;
    let s = &study.scenario;
    let mut out = format!(
        "<h2>Method</h2>\n<ul>\n\
         <li>Each variant ran {} of {}, from master seed {}. Every random draw comes from a named stream derived from (seed, replication, source, entity), so replication <em>k</em> of every variant sees the same city, companies, lead arrivals and reps wherever its settings allow: the variants differ only by {} (common random numbers).</li>\n\
         <li>Levels: the mean over replications with a Student-t 95% confidence interval (n&minus;1 degrees of freedom).</li>\n\
         <li>Differences: {}; the interval is the Student-t 95% interval of the mean paired difference.</li>\n\
         <li>Ranking: {}. Fairness floors: {}.</li>\n",
        plural(r.replications, "replication"),
        s.horizon_text(&r.variants),
        s.seed,
        if changes_outside_policy(study) {
            "what the variants table lists"
        } else {
            "their policy"
        },
        escape(&study.run.comparison_method),
        if r.variants.len() < 2 {
            "none: the study has one variant".to_string()
        } else if let Some(why) = crate::analysis::too_few_to_rank(r.replications) {
            format!(
                "by the mean of {} alone, as {why}",
                escape(METRICS[a.verdict.metric].name)
            )
        } else {
            format!(
                "the probability of being best is the share of {} paired bootstrap resamples of the replications (the same replications drawn for every variant) in which the variant has the best mean {}",
                a.verdict.draws,
                escape(METRICS[a.verdict.metric].name)
            )
        },
        if a.verdict.floors.is_empty() {
            "none".to_string()
        } else {
            escape(
                &a.verdict
                    .floors
                    .iter()
                    .map(|f| f.describe())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        },
    );
    let ratios: Vec<f64> = crate::analysis::pairing(r, a)
        .into_iter()
        .map(|(_, paired, unpaired)| paired / unpaired)
        .filter(|x| x.is_finite())
        .collect();
    if !ratios.is_empty() {
        let ratio = crate::stats::mean(&ratios);
        let saving = if ratio <= 0.0 {
            ": every paired difference was the same in all replications".to_string()
        } else if ratio < 1.0 {
            format!(
                ", as precise as about {:.1} times as many independent replications",
                1.0 / (ratio * ratio)
            )
        } else {
            ": pairing did not narrow them in this run".to_string()
        };
        out.push_str(&format!(
            "<li>Pairing: on {}, the paired intervals of the differences are {:.0}% as wide as intervals from independent runs would be (mean over the variants){saving}.</li>\n",
            escape(METRICS[a.verdict.metric].name),
            ratio * 100.0,
        ));
    }
    if let Some((rule, status)) = &a.precision {
        out.push_str(&format!(
            "<li>Replications were added until every variant's 95% half-width of {} was within {}% of its mean (between {} and {} per variant); the run stopped at {}: {}.</li>\n",
            escape(METRICS[rule.metric].name),
            rule.relative * 100.0,
            rule.min_replications,
            rule.max_replications,
            status.replications,
            escape(&status.reason)
        ));
    }
    out.push_str(&format!(
        "<li>Terms: a lead's <em>propensity</em> is its company's true chance of buying, which the model knows and the CRM does not (the CRM ranks leads by a noisy score of it); a <em>new hire</em> is a rep in their first {} calendar days; the <em>private cap</em> is how many leads a rep may keep for themselves, and the <em>swap rule</em> (one in, one out) lets a rep at the cap keep a new lead by returning their worst-judged one to the pool; a <em>reclaim</em> takes back a pushed or claimed lead not contacted within the timeout (and, where the policy sets a stale period, a private lead without progress).</li>\n",
        s.org.new_hire_days
    ));
    out.push_str("<li>What the model assumes and how each part was calibrated: MODEL.md and the scenario reference (docs/scenario.md) in the salesim repository.</li>\n</ul>\n");
    out
}

/// The version, a command that reruns the study, and the scenario as run.
pub fn reproduce(study: &Study) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let versions = if study.run.version == version {
        format!("salesim {}", escape(version))
    } else {
        format!(
            "salesim {} (this report was written by salesim {})",
            escape(&study.run.version),
            escape(version)
        )
    };
    let command = if study.run.command.is_empty() {
        String::new()
    } else {
        format!(
            "<p>To rerun it (results are identical on any number of threads):</p>\n<pre>{}</pre>\n",
            escape(&study.run.command)
        )
    };
    let summary = if study
        .results
        .variants
        .iter()
        .any(|v| !v.parameters.is_empty())
    {
        "The base scenario of the sweep (TOML, every default filled in): the sweep ran the variants in the table above, each a variant of this file with the settings it names, not this file's own list of variants"
    } else {
        "The scenario as run (TOML, every default filled in)"
    };
    format!(
        "<h2>Reproduce</h2>\n<p>Run with {versions}, scenario from {}.</p>\n{command}\
         <details>\n<summary>{summary}</summary>\n<pre>{}</pre>\n</details>\n\
         <p class=\"note\">The per-replication numbers are in replications.csv beside this file; run details (threads, timings) in manifest.json.</p>\n",
        escape(&study.run.scenario_source),
        escape(&study.scenario.to_toml())
    )
}
