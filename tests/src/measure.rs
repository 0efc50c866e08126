//! Resource readings for the benchmarks: CPU time of this process and of a local PostgreSQL
//! server, from `/proc` (Linux).

use std::collections::HashMap;

/// CPU seconds of this process, and of each local PostgreSQL process by pid.
pub type CpuReading = (f64, HashMap<u32, f64>);

/// CPU seconds (user + system) used so far by this process, and by each of the local
/// PostgreSQL server's processes (empty when the server is not on this machine). Linux counts
/// in 1/100 s.
pub fn cpu_seconds() -> CpuReading {
    fn seconds(stat: &str) -> Option<f64> {
        // The fields after the command name, which is in parentheses and may hold spaces.
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let user: f64 = fields.get(11)?.parse().ok()?;
        let system: f64 = fields.get(12)?.parse().ok()?;
        Some((user + system) / 100.0)
    }
    let own = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| seconds(&s))
        .unwrap_or(f64::NAN);
    let mut server = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let path = entry.path();
        let Some(pid) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if std::fs::read_to_string(path.join("comm")).is_ok_and(|c| c.trim() == "postgres")
            && let Some(t) = std::fs::read_to_string(path.join("stat"))
                .ok()
                .and_then(|s| seconds(&s))
        {
            server.insert(pid, t);
        }
    }
    (own, server)
}

/// CPU used between two readings: this process's, and the server's (`None` when it is not
/// local). A server process that ended in between is not counted (its time is gone with it).
pub fn cpu_used(before: &CpuReading, after: &CpuReading) -> (f64, Option<f64>) {
    let server = (!after.1.is_empty()).then(|| {
        after
            .1
            .iter()
            .map(|(pid, t)| t - before.1.get(pid).copied().unwrap_or(0.0))
            .sum()
    });
    (after.0 - before.0, server)
}
