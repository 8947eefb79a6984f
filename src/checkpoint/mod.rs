//! Studies that survive interruption: a study's identity ([`study`]) and the checkpoint
//! file its replications are saved to as they finish ([`log`]), from which `--resume`
//! continues a run and `salesim merge` combines shards.

pub mod log;
pub mod study;

pub use log::{
    CHECKPOINT_FILE, Checkpoint, CheckpointError, Header, SavedRuns, Shard, read_header,
};
pub use study::{Study, StudyArgs, StudyKind, customers_digest};
