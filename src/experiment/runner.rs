//! The worker pool that runs replications in parallel and hands their results over in
//! (variant, replication) order, whatever the number of threads.

use super::{ExperimentError, ExperimentResults};
use crate::scenario::{Scenario, Variant};
use crate::sim::{ReplicationResult, run_replication};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// Hands out run indices in order to the workers, never more than `window` ahead of the
/// next result to be consumed, so the results waiting for an earlier one stay few.
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

struct GateState {
    /// The next index to hand out.
    next: usize,
    /// Results consumed so far (every index below it).
    consumed: usize,
    /// Set when the run stops early (a sink error or a panic): hand out nothing more.
    stop: bool,
}

impl Gate {
    fn new() -> Gate {
        Gate {
            state: Mutex::new(GateState {
                next: 0,
                consumed: 0,
                stop: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next index to run, waiting while it is `window` or more ahead of the results
    /// consumed; `None` when all `total` are handed out or the run stopped.
    fn claim(&self, total: usize, window: usize, interrupt: &AtomicBool) -> Option<usize> {
        let mut state = self.lock();
        loop {
            if state.stop || state.next >= total || interrupt.load(Ordering::SeqCst) {
                return None;
            }
            if state.next < state.consumed + window {
                state.next += 1;
                return Some(state.next - 1);
            }
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn consumed(&self, consumed: usize) {
        self.lock().consumed = consumed;
        self.changed.notify_all();
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.changed.notify_all();
    }
}

/// A pool of worker threads that runs replications.
pub struct Runner {
    pool: rayon::ThreadPool,
    /// Set (by a Ctrl-C handler) to start no more replications; those in flight finish.
    interrupt: &'static AtomicBool,
}

/// A flag that is never set: the interrupt of a runner nobody interrupts.
static NEVER: AtomicBool = AtomicBool::new(false);

impl Runner {
    /// A runner with `threads` worker threads.
    pub fn new(threads: usize) -> Result<Runner, ExperimentError> {
        if threads == 0 {
            return Err(ExperimentError::ZeroThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("salesim-worker-{i}"))
            .build()
            .map_err(|e| ExperimentError::ThreadPool {
                threads,
                message: e.to_string(),
            })?;
        Ok(Runner {
            pool,
            interrupt: &NEVER,
        })
    }

    /// This runner, starting no more replications once `flag` is set (the ones in flight
    /// finish and are handed over); the run methods then report an unfinished run.
    pub fn interruptible(self, flag: &'static AtomicBool) -> Runner {
        Runner {
            interrupt: flag,
            ..self
        }
    }

    /// Runs replications `results.replications..upto` of every variant of `results` (each
    /// in its own scenario when it has one, else in `scenario`; see `run_with`), appends
    /// their metrics, folds in their records and updates the summaries. `progress` is
    /// called once after each finished run (from worker threads; it must not influence
    /// results).
    pub fn extend(
        &self,
        scenario: &Scenario,
        results: &mut ExperimentResults,
        upto: u32,
        progress: &(dyn Fn() + Sync),
    ) {
        let done: Result<bool, Infallible> =
            self.extend_with(scenario, results, upto, progress, &mut |_, _, _| Ok(()));
        match done {
            Ok(_) => {}
            Err(never) => match never {},
        }
    }

    /// [`Runner::extend`], handing every finished replication to `sink` (on the calling
    /// thread) as `(variant, replication, result)` before its records are dropped:
    /// strictly in flat index order (variant by variant; within one, replication by
    /// replication), whatever the number of threads. Replications run in parallel, in
    /// index order, at most a few threads' worth ahead of the next one handed over, so
    /// the finished results held at any time stay few.
    ///
    /// Returns `Ok(true)` when every replication was handed over, `Ok(false)` when the
    /// runner was interrupted first (`results` is then incomplete and should be dropped).
    /// When `sink` fails the remaining replications are not started and its error is
    /// returned, with the same caveat. A panic in a replication is raised again here, after
    /// the workers have stopped.
    pub fn extend_with<E: Send>(
        &self,
        scenario: &Scenario,
        results: &mut ExperimentResults,
        upto: u32,
        progress: &(dyn Fn() + Sync),
        sink: &mut dyn FnMut(usize, u32, &ReplicationResult) -> Result<(), E>,
    ) -> Result<bool, E> {
        self.extend_from(scenario, results, upto, progress, &|_, _| None, sink)
    }

    /// [`Runner::extend_with`], taking each replication from `saved(variant index,
    /// replication)` when it has it (a checkpoint's) instead of simulating it. The outcome
    /// is the same either way, as long as what `saved` gives is what the simulation gave.
    pub fn extend_from<E: Send>(
        &self,
        scenario: &Scenario,
        results: &mut ExperimentResults,
        upto: u32,
        progress: &(dyn Fn() + Sync),
        saved: &(dyn Fn(usize, u32) -> Option<Result<ReplicationResult, E>> + Sync),
        sink: &mut dyn FnMut(usize, u32, &ReplicationResult) -> Result<(), E>,
    ) -> Result<bool, E> {
        let from = results.replications;
        if upto <= from {
            return Ok(true);
        }
        // Lent to the workers while the results take in the runs.
        let variants = std::mem::take(&mut results.variants);
        let replications: Vec<u32> = (from..upto).collect();
        let outcome = self.each(
            &variants,
            &replications,
            progress,
            &|v, variant, replication| {
                saved(v, replication)
                    .unwrap_or_else(|| Ok(run_replication(scenario, variant, replication)))
            },
            &mut |v, r, run| {
                let run = run?;
                sink(v, r, &run)?;
                results.absorb(v, run);
                Ok(())
            },
        );
        results.variants = variants;
        if outcome? {
            results.replications = upto;
            results.summarise();
            return Ok(true);
        }
        Ok(false)
    }

    /// Runs `run(variant, replication)` for each of `replications` of every one of `variants`
    /// on the pool (how [`Runner::extend`] runs replications), calling `progress` after each;
    /// returns the outputs in (variant, replication) order.
    pub fn map<T: Send>(
        &self,
        variants: &[Variant],
        replications: std::ops::Range<u32>,
        progress: &(dyn Fn() + Sync),
        run: &(dyn Fn(&Variant, u32) -> T + Sync),
    ) -> Vec<T> {
        let mut outputs = Vec::new();
        let replications: Vec<u32> = replications.collect();
        let done: Result<bool, Infallible> = self.each(
            variants,
            &replications,
            progress,
            &|_, variant, replication| run(variant, replication),
            &mut |_, _, output| {
                outputs.push(output);
                Ok(())
            },
        );
        match done {
            Ok(_) => outputs,
            Err(never) => match never {},
        }
    }

    /// The scheduler under [`Runner::extend_from`] and [`Runner::map`]: runs
    /// `run(variant index, variant, replication)` for each of `replications` (in increasing
    /// order) of every one of `variants` on the pool, in flat index order (variant by variant, then replication), at most a
    /// few threads' worth ahead of the next output handed over, and hands each output to
    /// `sink(variant index, replication, output)` on the calling thread strictly in that
    /// order, whatever the number of threads. `progress` is called after each run (from
    /// worker threads). When `sink` fails nothing more is started and its error is
    /// returned; a panic in a run is raised again here, after the workers have stopped.
    /// Once the runner's interrupt flag is set nothing more is started, the runs in flight
    /// are handed over, and the result is `Ok(false)`.
    pub fn each<T: Send, E>(
        &self,
        variants: &[Variant],
        replications: &[u32],
        progress: &(dyn Fn() + Sync),
        run: &(dyn Fn(usize, &Variant, u32) -> T + Sync),
        sink: &mut dyn FnMut(usize, u32, T) -> Result<(), E>,
    ) -> Result<bool, E> {
        let per_variant = replications.len();
        let total = variants.len() * per_variant;
        if total == 0 {
            return Ok(true);
        }
        let workers = self.pool.current_num_threads().min(total);
        let window = 4 * self.pool.current_num_threads();
        let gate = Gate::new();
        let (sender, finished) = mpsc::channel::<(usize, std::thread::Result<T>)>();
        let mut outcome = Ok(());
        let mut panicked = None;
        let mut next = 0;
        let interrupt = self.interrupt;
        self.pool.in_place_scope(|scope| {
            for _ in 0..workers {
                let sender = sender.clone();
                let gate = &gate;
                scope.spawn(move |_| {
                    while let Some(i) = gate.claim(total, window, interrupt) {
                        let variant = &variants[i / per_variant];
                        let replication = replications[i % per_variant];
                        let output = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            let output = run(i / per_variant, variant, replication);
                            progress();
                            output
                        }));
                        let failed = output.is_err();
                        if failed {
                            gate.stop();
                        }
                        if sender.send((i, output)).is_err() || failed {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            // Outputs that finished before an earlier one, by index.
            let mut waiting = BTreeMap::new();
            'receive: for (i, output) in finished.iter() {
                waiting.insert(i, output);
                while let Some(output) = waiting.remove(&next) {
                    let output = match output {
                        Ok(output) => output,
                        Err(panic) => {
                            panicked = Some(panic);
                            break 'receive;
                        }
                    };
                    let (v, r) = (next / per_variant, replications[next % per_variant]);
                    if let Err(e) = sink(v, r, output) {
                        outcome = Err(e);
                        break 'receive;
                    }
                    next += 1;
                    gate.consumed(next);
                }
            }
            // Stop the workers (they may be waiting for an output that will never be
            // consumed) and let them finish.
            gate.stop();
            drop(finished);
        });
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
        outcome.map(|()| next == total)
    }
}
