//! Ctrl-C (SIGINT) and SIGTERM: the first asks the run to stop starting replications,
//! finish those in flight, save everything and say how to resume; the second stops the
//! process at once (every file is still whole: results are renamed into place, and a
//! checkpoint frame cut short is dropped on resume).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Exit code of a run stopped by an interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: u8 = 130;

static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Whether every replication is done and the results are being written (what the first
/// interrupt then lets finish).
static WRITING: AtomicBool = AtomicBool::new(false);
static PRESSES: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Tells the handler that the replications are done and the results are being written:
/// the first interrupt then says so (it lets the writing finish) instead of speaking of
/// replications in flight.
pub fn writing_results() {
    WRITING.store(true, Ordering::SeqCst);
}

/// Installs the handler (once per process) and returns the flag it sets on the first
/// interrupt. When no handler can be installed the flag simply never gets set.
pub fn install() -> &'static AtomicBool {
    INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if PRESSES.fetch_add(1, Ordering::SeqCst) == 0 {
                REQUESTED.store(true, Ordering::SeqCst);
                if WRITING.load(Ordering::SeqCst) {
                    eprintln!(
                        "\ninterrupted: every replication is saved; finishing writing the results (interrupt again to stop at once; --resume then writes them)"
                    );
                } else {
                    eprintln!(
                        "\ninterrupted: finishing the replications in flight and saving them (interrupt again to stop at once)"
                    );
                }
            } else {
                eprintln!(
                    "\nstopped at once; the replications saved so far are kept (run again with --resume)"
                );
                std::process::exit(i32::from(INTERRUPTED_EXIT));
            }
        })
        .is_ok()
    });
    &REQUESTED
}
