//! The per-rep, per-day and ramp CSV files: `reps.csv` (every rep of every replication,
//! written while the replications run), `daily.csv` (each working day's totals averaged
//! over replications) and `ramp.csv` (new hires' wins by week of tenure, pooled over
//! replications).

use super::csv_out::{cells_of, header_with, number, to_bytes, variant_cells, variants_header};
use super::{OutputError, REPS_FILE};
use crate::experiment::ExperimentResults;
use crate::scenario::Variant;
use crate::sim::records::RepRecord;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The columns of `reps.csv` after the variant cells.
const REPS_COLUMNS: [&str; 14] = [
    "replication",
    "rep",
    "team",
    "hired_day",
    "cohort",
    "days_worked",
    "leads_received",
    "mean_lead_quality",
    "visits",
    "effective_visits",
    "wins",
    "revenue",
    "left_day",
    "days_to_first_win",
];

/// `reps.csv`, written while the replications run: `variant,replication,rep,team,
/// hired_day,cohort,days_worked,leads_received,mean_lead_quality,visits,effective_visits,
/// wins,revenue,left_day,days_to_first_win`; one row per rep ever employed in each
/// replication, variant by variant, replication by replication, rep by rep. Days are
/// calendar days from day 0 of the horizon (`hired_day` negative for reps hired before
/// it); `left_day` and `days_to_first_win` are empty for reps who stayed or never won;
/// `cohort` is `veteran`, `new_hire` (a new hire at the start) or `hired` (joined during
/// the horizon).
///
/// Each replication's rows are appended, as it is handed over ([`RepsSpool::add`]), to
/// a spool file in the output directory (`.reps.csv.spool-PID`), so no rep record stays
/// in memory. Replications arrive variant by variant within a batch; when replications
/// are added in several batches (`--precision`), a variant's rows are spread over the
/// spool, and [`RepsSpool::finish`] copies them into variant order in a second temporary
/// file. Either way the file is renamed to `reps.csv` only when complete; a spool dropped
/// unfinished (a failed run) removes its temporary files.
pub struct RepsSpool {
    /// The spool file's path.
    spool: PathBuf,
    /// The spool, open for writing.
    file: BufWriter<File>,
    /// Bytes written to the spool.
    len: u64,
    /// Bytes of the header at its start.
    header_len: u64,
    /// `(variant, start, end)`: byte ranges of the spool holding consecutive replications
    /// of one variant, in the order written.
    segments: Vec<(usize, u64, u64)>,
    /// The leading cells of each variant's rows.
    cells: Vec<Vec<String>>,
    /// The final temporary file while `finish` writes it.
    ordered: Option<PathBuf>,
}

impl RepsSpool {
    /// A spool for `reps.csv` of `variants` in `dir` (which must exist), with the header
    /// written.
    pub fn create(dir: &Path, variants: &[Variant]) -> Result<RepsSpool, OutputError> {
        let spool = dir.join(format!(".{REPS_FILE}.spool-{}", std::process::id()));
        let file = File::create(&spool).map_err(|source| OutputError {
            path: spool.clone(),
            source,
        })?;
        let mut header = variants_header(variants);
        header.extend(REPS_COLUMNS.iter().map(|c| c.to_string()));
        let mut spool = RepsSpool {
            spool,
            file: BufWriter::new(file),
            len: 0,
            header_len: 0,
            segments: Vec::new(),
            cells: variants.iter().map(cells_of).collect(),
            ordered: None,
        };
        spool.write(&to_bytes([header]))?;
        spool.header_len = spool.len;
        Ok(spool)
    }

    fn error(&self, source: std::io::Error) -> OutputError {
        OutputError {
            path: self.spool.clone(),
            source,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        self.file.write_all(bytes).map_err(|e| self.error(e))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Appends the rows of replication `replication` of variant `variant` (an index into
    /// the variants given to `create`). Call it in (variant, replication) order within a
    /// batch, and batch after batch.
    pub fn add(
        &mut self,
        variant: usize,
        replication: u32,
        reps: &[RepRecord],
    ) -> Result<(), OutputError> {
        let optional = |x: Option<i64>| x.map(|d| d.to_string()).unwrap_or_default();
        let cells = &self.cells[variant];
        let rows = reps.iter().map(|rep| {
            let mut row = cells.clone();
            row.extend([
                replication.to_string(),
                rep.rep.to_string(),
                rep.team.to_string(),
                rep.hired_day.to_string(),
                rep.cohort.as_str().to_string(),
                rep.days_worked.to_string(),
                rep.leads_received.to_string(),
                number(rep.mean_lead_quality),
                rep.visits.to_string(),
                rep.effective_visits.to_string(),
                rep.wins.to_string(),
                number(rep.revenue),
                optional(rep.left_day),
                optional(rep.days_to_first_win),
            ]);
            row
        });
        let bytes = to_bytes(rows);
        let (start, end) = (self.len, self.len + bytes.len() as u64);
        match self.segments.last_mut() {
            Some((v, _, last)) if *v == variant && *last == start => *last = end,
            _ => self.segments.push((variant, start, end)),
        }
        self.write(&bytes)
    }

    /// Writes the complete file to `path` (in the same directory as the spool) and
    /// removes the temporaries: the spool itself is renamed when its rows are already in
    /// variant order, else they are copied into variant order first.
    pub fn finish(mut self, path: &Path) -> Result<(), OutputError> {
        self.file.flush().map_err(|e| self.error(e))?;
        let in_order = self.segments.windows(2).all(|w| w[0].0 <= w[1].0);
        if in_order {
            self.file.get_ref().sync_all().map_err(|e| self.error(e))?;
            return self.rename(&self.spool, path);
        }
        let ordered = self
            .spool
            .with_file_name(format!(".{REPS_FILE}.tmp-{}", std::process::id()));
        self.ordered = Some(ordered.clone());
        let err = |source| OutputError {
            path: ordered.clone(),
            source,
        };
        let mut source = File::open(&self.spool).map_err(|e| self.error(e))?;
        let mut out = BufWriter::new(File::create(&ordered).map_err(err)?);
        let mut copy = |start: u64, end: u64| -> std::io::Result<u64> {
            source.seek(SeekFrom::Start(start))?;
            std::io::copy(&mut (&mut source).take(end - start), &mut out)
        };
        copy(0, self.header_len).map_err(err)?;
        let mut segments = self.segments.clone();
        // Stable: within a variant, batches stay in the order written.
        segments.sort_by_key(|&(v, _, _)| v);
        for (_, start, end) in segments {
            copy(start, end).map_err(err)?;
        }
        out.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(err)?;
        self.rename(&ordered, path)
    }

    fn rename(&self, from: &Path, to: &Path) -> Result<(), OutputError> {
        std::fs::rename(from, to).map_err(|source| OutputError {
            path: to.to_path_buf(),
            source,
        })
    }
}

impl Drop for RepsSpool {
    /// Removes the temporary files (after `finish`, only those not renamed are left).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.spool);
        if let Some(ordered) = &self.ordered {
            let _ = std::fs::remove_file(ordered);
        }
    }
}

/// `daily.csv`: `variant,day,calendar_day,pool_size,assigned,reclaimed,private_held,
/// visits,wins`; one row per (variant, working day), each value the mean over
/// replications; `calendar_day` is the working day's calendar day (weekends counted, as in
/// `reps.csv`), from the variant's own calendar (`scenario`'s unless the variant changes
/// it). Pool size and private held are at the end of the day; the others are that day's
/// counts.
pub fn daily_csv(results: &ExperimentResults, scenario: &crate::scenario::Scenario) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "day",
            "calendar_day",
            "pool_size",
            "assigned",
            "reclaimed",
            "private_held",
            "visits",
            "wins",
        ],
    );
    let rows = (0..results.variants.len()).flat_map(|v| {
        let own = results.variants[v].scenario.as_deref().unwrap_or(scenario);
        let calendar = crate::time::Calendar::new(own.calendar.working_days_per_week);
        results
            .mean_daily(v)
            .into_iter()
            .enumerate()
            .map(move |(day, fields)| {
                let mut row = variant_cells(results, v);
                row.push(day.to_string());
                row.push(calendar.calendar_day(day as u32).to_string());
                row.extend(fields.iter().map(|&x| number(x)));
                row
            })
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `ramp.csv`: `variant,week,new_hire_weeks,wins,wins_per_new_hire_week,cumulative_wins_per_new_hire`;
/// one row per (variant, week of tenure) observed, pooled over replications: rep-weeks of
/// new hires observed in that week of their tenure, their wins, the weekly rate, and its
/// running sum (the expected wins of a new hire by the end of that week).
pub fn ramp_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "week",
            "new_hire_weeks",
            "wins",
            "wins_per_new_hire_week",
            "cumulative_wins_per_new_hire",
        ],
    );
    let rows = (0..results.variants.len()).flat_map(|v| {
        let ramp = results.pooled_ramp(v);
        let cumulative = ramp.cumulative();
        (0..cumulative.len())
            .map(|k| {
                let mut row = variant_cells(results, v);
                row.extend([
                    k.to_string(),
                    number(ramp.exposure[k]),
                    number(ramp.wins[k]),
                    number(ramp.wins[k] / ramp.exposure[k]),
                    number(cumulative[k]),
                ]);
                row
            })
            .collect::<Vec<_>>()
    });
    to_bytes(std::iter::once(header).chain(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::records::Cohort;

    fn rep(id: u32, wins: u32) -> RepRecord {
        RepRecord {
            rep: id,
            team: 0,
            hired_day: -10,
            cohort: Cohort::Veteran,
            days_worked: 3,
            leads_received: 2,
            mean_lead_quality: 0.5,
            visits: 4,
            effective_visits: 2,
            wins,
            revenue: 1.5,
            left_day: None,
            days_to_first_win: Some(1),
            days_observed: 3,
        }
    }

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("salesim-spool-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// `(variant, replication, wins)` of each row.
    fn rows(path: &Path) -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].to_string(), f[11].to_string())
            })
            .collect()
    }

    #[test]
    fn batches_are_put_back_in_variant_order_and_temporaries_removed() {
        let dir = folder("batches");
        let variants = &crate::scenario::Scenario::embedded()
            .resolved_variants()
            .unwrap()[2..4];
        let mut spool = RepsSpool::create(&dir, variants).unwrap();
        // Two batches of two replications, as `--precision` hands them over.
        for batch in [0..2, 2..4] {
            for v in 0..2 {
                for r in batch.clone() {
                    spool.add(v, r, &[rep(0, r), rep(1, 10 + r)]).unwrap();
                }
            }
        }
        let path = dir.join(REPS_FILE);
        spool.finish(&path).unwrap();
        assert_eq!(listing(&dir), [REPS_FILE]);
        let expected: Vec<_> = ["alibaba", "strict"]
            .iter()
            .flat_map(|v| {
                (0..4u32).flat_map(move |r| {
                    [r, 10 + r].map(|w| (v.to_string(), r.to_string(), w.to_string()))
                })
            })
            .collect();
        assert_eq!(rows(&path), expected);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("variant,replication,rep,team,"), "{text}");
        // One batch: the spool is already in order and becomes the file itself.
        let mut spool = RepsSpool::create(&dir, variants).unwrap();
        for v in 0..2 {
            for r in 0..4 {
                spool.add(v, r, &[rep(0, r), rep(1, 10 + r)]).unwrap();
            }
        }
        spool.finish(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(listing(&dir), [REPS_FILE]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unfinished_spool_leaves_nothing_behind() {
        let dir = folder("unfinished");
        let variants = &crate::scenario::Scenario::embedded()
            .resolved_variants()
            .unwrap()[2..3];
        std::fs::write(dir.join(REPS_FILE), b"an earlier run's file").unwrap();
        let mut spool = RepsSpool::create(&dir, variants).unwrap();
        spool.add(0, 0, &[rep(0, 1)]).unwrap();
        assert_eq!(listing(&dir).len(), 2);
        drop(spool);
        // The run failed: no torn file, and the earlier complete one is untouched.
        assert_eq!(listing(&dir), [REPS_FILE]);
        assert_eq!(
            std::fs::read(dir.join(REPS_FILE)).unwrap(),
            b"an earlier run's file"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
