//! The checkpoint file: a study's header, then every finished replication's whole result,
//! appended and handed to the operating system as it is handed over (in index order), so
//! that a run killed at any moment loses at most the replications in flight.
//!
//! Layout: the line `salesim checkpoint 1`, one line of JSON (the [`Header`]), then one
//! frame per replication: payload length (u32, little-endian), CRC-32 (IEEE) of the rest
//! of the frame, variant index (u32), replication (u32), and the payload (the
//! [`ReplicationResult`] in postcard's encoding, which keeps every float's bits). A frame
//! cut short by a crash, or whose checksum fails, ends the file: reading stops there and
//! resuming cuts it off.
//!
//! A study of several points (a sensitivity screen: the same variants run at each point)
//! says so in its header ([`Header::points`]); its frames' variant field is then
//! `point × variants + variant`, with `variants` the study's variant count.

use super::study::Study;
use crate::sim::ReplicationResult;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The checkpoint's file name in an output folder.
pub const CHECKPOINT_FILE: &str = "runs.checkpoint";

/// The first line of every checkpoint file (format version 1).
const MAGIC: &[u8] = b"salesim checkpoint 1\n";
/// Longest header line accepted, bytes.
const MAX_HEADER: u64 = 64 << 20;
/// Largest frame payload accepted, bytes (1 GiB: far above a national replication).
const MAX_PAYLOAD: u32 = 1 << 30;
/// Bytes of a frame before its payload.
const FRAME_HEAD: usize = 16;

/// Which share of the replications a run covers: those whose index `r` has
/// `r % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    /// This shard's number, from 0.
    pub index: u32,
    /// How many shards the study is split into.
    pub count: u32,
}

impl Shard {
    /// Whether replication `replication` belongs to this shard.
    pub fn owns(&self, replication: u32) -> bool {
        replication % self.count == self.index
    }

    /// The folder name of this shard's outputs: `shard-I-of-N`.
    pub fn folder(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The checkpoint's header: the study, for a shard which one, and for a study of several
/// points how many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The study the replications belong to.
    pub study: Study,
    /// The shard, when the run covers only a share of the replications.
    pub shard: Option<Shard>,
    /// For a study that runs its variants at several points (a sensitivity screen), how
    /// many: each frame's variant field is then `point × variants + variant`. Absent (and
    /// not written, so a run's or a sweep's header keeps its bytes) for one point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
}

impl Header {
    /// How many variant fields a frame may hold: the study's variants, times its points.
    fn slots(&self) -> usize {
        self.study
            .variants
            .len()
            .saturating_mul(self.points.map_or(1, |p| p as usize))
    }
}

/// A checkpoint that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The system refused a read or write.
    #[error("cannot use checkpoint {}: {source}", .path.display())]
    Io {
        /// The checkpoint file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a checkpoint, or not one this version can read.
    #[error("{} is not a usable salesim checkpoint: {message}", .path.display())]
    Invalid {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid(path: &Path, message: impl Into<String>) -> CheckpointError {
    CheckpointError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Reads the header of the checkpoint at `path`, and the open file positioned after it,
/// with the header's length in bytes.
fn open_header(path: &Path) -> Result<(Header, BufReader<File>, u64), CheckpointError> {
    let file = File::open(path).map_err(io(path))?;
    let mut reader = BufReader::new(file);
    let mut magic = vec![0; MAGIC.len()];
    reader
        .read_exact(&mut magic)
        .map_err(|_| invalid(path, "it is too short to hold a header"))?;
    if magic != MAGIC {
        return Err(invalid(
            path,
            "it does not start with `salesim checkpoint 1`",
        ));
    }
    let mut line = Vec::new();
    (&mut reader)
        .take(MAX_HEADER)
        .read_until(b'\n', &mut line)
        .map_err(io(path))?;
    if line.last() != Some(&b'\n') {
        return Err(invalid(path, "its header line is cut short or too long"));
    }
    let header: Header = serde_json::from_slice(&line)
        .map_err(|e| invalid(path, format!("its header is not readable ({e})")))?;
    if header
        .shard
        .is_some_and(|s| s.count == 0 || s.index >= s.count)
    {
        return Err(invalid(path, "its shard is out of range"));
    }
    if header.points == Some(0) {
        return Err(invalid(path, "its count of points is 0"));
    }
    Ok((header, reader, (MAGIC.len() + line.len()) as u64))
}

/// Reads only the header of the checkpoint at `path`.
pub fn read_header(path: &Path) -> Result<Header, CheckpointError> {
    open_header(path).map(|(header, _, _)| header)
}

/// Where one saved replication sits: which file, the payload's offset and length.
#[derive(Debug, Clone, Copy)]
struct Place {
    file: usize,
    offset: u64,
    len: u32,
}

/// Replications saved in one or more checkpoints, by (variant index, replication), read
/// back on demand (from any thread).
#[derive(Debug, Default)]
pub struct SavedRuns {
    files: Vec<(PathBuf, Mutex<File>)>,
    index: BTreeMap<(usize, u32), Place>,
}

/// What scanning a checkpoint found: its header, its frames, and where the last whole
/// frame ends.
struct Scan {
    header: Header,
    frames: Vec<((usize, u32), u64, u32)>,
    end: u64,
    file_len: u64,
}

/// Reads every frame of the checkpoint at `path`, checking each checksum; stops at the
/// first frame that is cut short or damaged.
fn scan(path: &Path) -> Result<Scan, CheckpointError> {
    let (header, mut reader, mut end) = open_header(path)?;
    let file_len = std::fs::metadata(path).map_err(io(path))?.len();
    let slots = header.slots();
    let mut frames = Vec::new();
    let mut head = [0u8; FRAME_HEAD];
    let mut payload = Vec::new();
    loop {
        if read_full(&mut reader, &mut head).map_err(io(path))? < FRAME_HEAD {
            break;
        }
        let word = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().expect("4 bytes"));
        let (len, crc, variant, replication) = (word(0), word(4), word(8), word(12));
        if len > MAX_PAYLOAD || variant as usize >= slots {
            break;
        }
        payload.resize(len as usize, 0);
        if read_full(&mut reader, &mut payload).map_err(io(path))? < len as usize {
            break;
        }
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head[8..]);
        hasher.update(&payload);
        if hasher.finalize() != crc {
            break;
        }
        frames.push((
            (variant as usize, replication),
            end + FRAME_HEAD as u64,
            len,
        ));
        end += (FRAME_HEAD + len as usize) as u64;
    }
    Ok(Scan {
        header,
        frames,
        end,
        file_len,
    })
}

/// Fills `buf` from `reader` as far as the input goes; returns the bytes read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl SavedRuns {
    /// No saved replications.
    pub fn none() -> SavedRuns {
        SavedRuns::default()
    }

    /// Adds the replications saved in the checkpoint at `path` (whose header must have
    /// been checked by the caller); returns its header. A replication saved twice is read
    /// from the first file that has it.
    pub fn add_file(&mut self, path: &Path) -> Result<Header, CheckpointError> {
        let scan = scan(path)?;
        self.add_scan(path, &scan)?;
        Ok(scan.header)
    }

    fn add_scan(&mut self, path: &Path, scan: &Scan) -> Result<(), CheckpointError> {
        let file = File::open(path).map_err(io(path))?;
        let number = self.files.len();
        self.files.push((path.to_path_buf(), Mutex::new(file)));
        for &(key, offset, len) in &scan.frames {
            self.index.entry(key).or_insert(Place {
                file: number,
                offset,
                len,
            });
        }
        Ok(())
    }

    /// Takes in the replications saved in `other` (those it has that `self` has not).
    pub fn absorb(&mut self, other: SavedRuns) {
        let offset = self.files.len();
        self.files.extend(other.files);
        for (key, place) in other.index {
            self.index.entry(key).or_insert(Place {
                file: place.file + offset,
                ..place
            });
        }
    }

    /// How many replications are saved.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether none is saved.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether replication `replication` of variant `variant` is saved.
    pub fn contains(&self, variant: usize, replication: u32) -> bool {
        self.index.contains_key(&(variant, replication))
    }

    /// The saved replications of variant `variant`, in order.
    pub fn replications_of(&self, variant: usize) -> impl Iterator<Item = u32> + '_ {
        self.index
            .range((variant, 0)..=(variant, u32::MAX))
            .map(|(&(_, r), _)| r)
    }

    /// Replication `replication` of variant `variant`, read back, when it is saved.
    pub fn load(
        &self,
        variant: usize,
        replication: u32,
    ) -> Option<Result<ReplicationResult, CheckpointError>> {
        let place = *self.index.get(&(variant, replication))?;
        let (path, file) = &self.files[place.file];
        let read = || -> Result<ReplicationResult, CheckpointError> {
            let mut bytes = vec![0; place.len as usize];
            {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                file.seek(SeekFrom::Start(place.offset)).map_err(io(path))?;
                file.read_exact(&mut bytes).map_err(io(path))?;
            }
            postcard::from_bytes(&bytes).map_err(|e| {
                invalid(
                    path,
                    format!(
                        "replication {replication} of variant {variant} cannot be decoded ({e})"
                    ),
                )
            })
        };
        Some(read())
    }
}

/// A checkpoint open for appending, knowing which replications it already holds.
pub struct Checkpoint {
    path: PathBuf,
    file: File,
    held: std::collections::BTreeSet<(usize, u32)>,
}

impl Checkpoint {
    /// A new checkpoint `CHECKPOINT_FILE` in `dir` (replacing any) with `header` written and
    /// synced to disk.
    pub fn create(dir: &Path, header: &Header) -> Result<Checkpoint, CheckpointError> {
        let path = dir.join(CHECKPOINT_FILE);
        let mut bytes = MAGIC.to_vec();
        bytes.extend(serde_json::to_vec(header).expect("a header always serialises"));
        bytes.push(b'\n');
        // Written whole under a temporary name first, so an old checkpoint is replaced
        // only by a readable new one.
        crate::output::write_atomic(&path, &bytes).map_err(|e| CheckpointError::Io {
            path: e.path,
            source: e.source,
        })?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        Ok(Checkpoint {
            path,
            file,
            held: Default::default(),
        })
    }

    /// Opens the checkpoint in `dir` to go on with it: its header, the replications it
    /// holds (readable through the returned [`SavedRuns`]), and the checkpoint, open for
    /// appending after its last whole frame (a frame cut short by a crash is cut off).
    pub fn resume(dir: &Path) -> Result<(Header, SavedRuns, Checkpoint), CheckpointError> {
        let path = dir.join(CHECKPOINT_FILE);
        let scan = scan(&path)?;
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        if scan.end < scan.file_len {
            file.set_len(scan.end).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
        }
        let mut file = file;
        file.seek(SeekFrom::End(0)).map_err(io(&path))?;
        let mut saved = SavedRuns::none();
        saved.add_scan(&path, &scan)?;
        let held = scan.frames.iter().map(|&(key, _, _)| key).collect();
        Ok((
            scan.header,
            saved,
            Checkpoint {
                path: path.clone(),
                file,
                held,
            },
        ))
    }

    /// The checkpoint's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replications saved in it.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether it holds no replication yet.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Appends replication `replication` of variant `variant` unless the file holds it
    /// already, in one write handed to the operating system at once (it survives the
    /// process being killed; [`Checkpoint::sync`] makes it survive a power cut).
    pub fn append(
        &mut self,
        variant: usize,
        replication: u32,
        result: &ReplicationResult,
    ) -> Result<(), CheckpointError> {
        if !self.held.insert((variant, replication)) {
            return Ok(());
        }
        let payload = postcard::to_stdvec(result).expect("a replication always serialises");
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|&l| l <= MAX_PAYLOAD)
            .ok_or_else(|| {
                invalid(
                    &self.path,
                    format!(
                        "replication {replication} of variant {variant} is too large to save ({} bytes)",
                        payload.len()
                    ),
                )
            })?;
        let field = u32::try_from(variant).map_err(|_| {
            invalid(
                &self.path,
                format!(
                    "variant field {variant} does not fit in a frame (at most {})",
                    u32::MAX
                ),
            )
        })?;
        let ids = [field, replication];
        let mut frame = Vec::with_capacity(FRAME_HEAD + payload.len());
        frame.extend(len.to_le_bytes());
        frame.extend([0; 4]);
        for id in ids {
            frame.extend(id.to_le_bytes());
        }
        frame.extend(&payload);
        let crc = crc32fast::hash(&frame[8..]);
        frame[4..8].copy_from_slice(&crc.to_le_bytes());
        self.file.write_all(&frame).map_err(io(&self.path))
    }

    /// Forces everything appended so far to disk.
    pub fn sync(&self) -> Result<(), CheckpointError> {
        self.file.sync_all().map_err(io(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::study::{StudyArgs, StudyKind};
    use crate::scenario::Scenario;
    use crate::sim::records::{DayRecord, Ramp};

    fn header() -> Header {
        let scenario = Scenario::embedded();
        let variants = scenario.resolved_variants().unwrap();
        Header {
            study: Study::new(
                StudyKind::Run,
                &scenario,
                "embedded default",
                "salesim",
                StudyArgs::default(),
                &variants,
                None,
            ),
            shard: None,
            points: None,
        }
    }

    fn result(x: f64) -> ReplicationResult {
        ReplicationResult {
            metrics: vec![x, f64::NAN, -0.0, 1e-300],
            reps: Vec::new(),
            daily: vec![DayRecord {
                pool_size: 3,
                wins: 1,
                ..DayRecord::default()
            }],
            ramp: Ramp {
                wins: vec![0.5],
                exposure: vec![1.0 / 3.0],
            },
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("salesim-ckpt-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn bits(r: &ReplicationResult) -> Vec<u64> {
        r.metrics.iter().map(|m| m.to_bits()).collect()
    }

    #[test]
    fn appended_runs_read_back_bit_for_bit_and_a_torn_tail_is_cut_off() {
        let dir = scratch("torn");
        let mut checkpoint = Checkpoint::create(&dir, &header()).unwrap();
        checkpoint.append(0, 0, &result(0.25)).unwrap();
        checkpoint.append(0, 1, &result(0.5)).unwrap();
        checkpoint.append(0, 1, &result(9.0)).unwrap(); // already held: ignored
        checkpoint.append(2, 0, &result(0.75)).unwrap();
        drop(checkpoint);
        let path = dir.join(CHECKPOINT_FILE);
        let whole = std::fs::read(&path).unwrap();
        // A crash in the middle of the last frame.
        std::fs::write(&path, &whole[..whole.len() - 5]).unwrap();
        let (read, saved, mut checkpoint) = Checkpoint::resume(&dir).unwrap();
        assert_eq!(read, header());
        assert_eq!(saved.len(), 2);
        assert!(saved.contains(0, 1) && !saved.contains(2, 0));
        let back = saved.load(0, 1).unwrap().unwrap();
        assert_eq!(bits(&back), bits(&result(0.5)));
        assert_eq!(back.ramp, result(0.5).ramp);
        assert!(saved.load(1, 0).is_none());
        // Going on rewrites the lost frame exactly as before.
        checkpoint.append(2, 0, &result(0.75)).unwrap();
        drop(checkpoint);
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_damaged_frame_ends_the_saved_runs() {
        let dir = scratch("damaged");
        let mut checkpoint = Checkpoint::create(&dir, &header()).unwrap();
        for r in 0..3 {
            checkpoint.append(1, r, &result(f64::from(r))).unwrap();
        }
        drop(checkpoint);
        let path = dir.join(CHECKPOINT_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let mut saved = SavedRuns::none();
        saved.add_file(&path).unwrap();
        assert_eq!(saved.replications_of(1).collect::<Vec<_>>(), [0, 1]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_header_with_points_keeps_frames_of_every_point_and_cuts_off_beyond() {
        let dir = scratch("points");
        let plain = header();
        let variants = plain.study.variants.len();
        // A run's header is written as before: no `points` key.
        let text = serde_json::to_string(&plain).unwrap();
        assert!(!text.contains("points"), "{text}");
        let screen = Header {
            points: Some(3),
            ..plain.clone()
        };
        let mut checkpoint = Checkpoint::create(&dir, &screen).unwrap();
        checkpoint.append(1, 0, &result(0.25)).unwrap();
        // Point 2, variant 1: beyond `variants`, below `variants × points`: kept.
        checkpoint
            .append(2 * variants + 1, 0, &result(0.5))
            .unwrap();
        // Beyond `variants × points`: the file ends before it.
        checkpoint.append(3 * variants, 0, &result(0.75)).unwrap();
        drop(checkpoint);
        let (read, saved, checkpoint) = Checkpoint::resume(&dir).unwrap();
        assert_eq!(read.points, Some(3));
        assert_eq!(saved.len(), 2);
        assert_eq!(checkpoint.len(), 2);
        let back = saved.load(2 * variants + 1, 0).unwrap().unwrap();
        assert_eq!(bits(&back), bits(&result(0.5)));
        assert!(!saved.contains(3 * variants, 0));
        drop(checkpoint);
        // The same frames under a header without points: only the first point's is kept.
        let mut checkpoint = Checkpoint::create(&dir, &plain).unwrap();
        checkpoint.append(1, 0, &result(0.25)).unwrap();
        checkpoint
            .append(2 * variants + 1, 0, &result(0.5))
            .unwrap();
        drop(checkpoint);
        let (_, saved, _) = Checkpoint::resume(&dir).unwrap();
        assert_eq!(saved.len(), 1);
        assert!(saved.contains(1, 0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_checkpoint_is_named() {
        let dir = scratch("notone");
        let path = dir.join(CHECKPOINT_FILE);
        std::fs::write(&path, "hello, this is not a checkpoint\n").unwrap();
        let err = read_header(&path).unwrap_err().to_string();
        assert!(
            err.contains("runs.checkpoint") && err.contains("salesim checkpoint 1"),
            "{err}"
        );
        std::fs::write(&path, [MAGIC, b"{not json\n"].concat()).unwrap();
        let err = read_header(&path).unwrap_err().to_string();
        assert!(err.contains("header is not readable"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
