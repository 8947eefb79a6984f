//! Which shard of a study this process runs: `--shard I/N`, or the array index a cluster
//! engine gives (Slurm job arrays, Kubernetes Indexed Jobs).

use super::{CliError, input};
use crate::checkpoint::Shard;

/// Most shards a study may be split into.
pub const MAX_SHARDS: u32 = 100_000;

/// The shard to run: `flag` (`I/N`, or `none` to ignore the environment) when given;
/// else Slurm's `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`, over
/// `SLURM_ARRAY_TASK_STEP`) of `SLURM_ARRAY_TASK_COUNT`; else Kubernetes' `JOB_COMPLETION_INDEX` of
/// `SALESIM_SHARD_COUNT`; else none (the whole study). `env` reads a variable.
pub fn resolve_shard(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, CliError> {
    if let Some(flag) = flag {
        if flag == "none" {
            return Ok(None);
        }
        let parsed = flag
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
        return match parsed {
            Some((index, count)) => checked(index, count, "--shard"),
            None => Err(input(format!(
                "--shard must be I/N (this process runs the replications r with r mod N = I, 0 <= I < N), or none; not {flag:?}"
            ))),
        };
    }
    let number = |name: &str| -> Result<Option<u32>, CliError> {
        env(name)
            .map(|v| {
                v.trim().parse::<u32>().map_err(|_| {
                    input(format!(
                        "environment variable {name} must be a whole number, not {v:?}"
                    ))
                })
            })
            .transpose()
    };
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let count = number("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
            input("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: is this a Slurm job array?")
        })?;
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        let offset = id.checked_sub(min).ok_or_else(|| {
            input(format!(
                "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
            ))
        })?;
        if offset % step != 0 {
            return Err(input(format!(
                "SLURM_ARRAY_TASK_ID {id} is not on the array's step {step} from {min}: use a contiguous --array=0-(N-1), or give --shard I/N"
            )));
        }
        let index = offset / step;
        return checked(
            index,
            count,
            "the Slurm array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT; use a contiguous --array=0-(N-1))",
        );
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let count = number("SALESIM_SHARD_COUNT")?.ok_or_else(|| {
            input("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but SALESIM_SHARD_COUNT is not: set it to the Job's completions")
        })?;
        return checked(
            index,
            count,
            "the Kubernetes Indexed Job (JOB_COMPLETION_INDEX of SALESIM_SHARD_COUNT)",
        );
    }
    Ok(None)
}

fn checked(index: u32, count: u32, source: &str) -> Result<Option<Shard>, CliError> {
    if count == 0 || count > MAX_SHARDS || index >= count {
        return Err(input(format!(
            "{source}: shard {index} of {count} is out of range: the count must be 1 to {MAX_SHARDS} and the shard 0 to count - 1"
        )));
    }
    Ok(Some(Shard { index, count }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_flag_wins_and_is_checked() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let shard = resolve_shard(Some("1/8"), &slurm).unwrap().unwrap();
        assert_eq!((shard.index, shard.count), (1, 8));
        assert_eq!(resolve_shard(Some("none"), &slurm).unwrap(), None);
        for bad in ["8/8", "1/0", "x/2", "3", "-1/2"] {
            let err = resolve_shard(Some(bad), &slurm).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.to_string().contains("--shard"), "{err}");
        }
    }

    #[test]
    fn slurm_and_kubernetes_indices_are_read() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            resolve_shard(None, &slurm).unwrap(),
            Some(Shard { index: 1, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2"), ("SALESIM_SHARD_COUNT", "3")]);
        assert_eq!(
            resolve_shard(None, &k8s).unwrap(),
            Some(Shard { index: 2, count: 3 })
        );
        let err = resolve_shard(None, &env(&[("JOB_COMPLETION_INDEX", "2")])).unwrap_err();
        assert!(err.to_string().contains("SALESIM_SHARD_COUNT"), "{err}");
        let strided = env(&[
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let err = resolve_shard(None, &strided).unwrap_err();
        assert!(err.to_string().contains("contiguous"), "{err}");
        assert_eq!(resolve_shard(None, &env(&[])).unwrap(), None);
    }
}
