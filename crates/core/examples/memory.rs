//! Memory of the knowledge (catalog and understanding) per language, for BENCHMARKS.md:
//! `cargo run --release -p ecabot-core --example memory`.
use ecabot_core::{Catalog, Knowledge};

fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .expect("VmRSS")
}

fn main() {
    let first = Knowledge::embedded().expect("locales load");
    let before = resident_kb();
    let copies: Vec<Knowledge> = (0..10)
        .map(|_| Knowledge::embedded().expect("locales load"))
        .collect();
    let after = resident_kb();
    let languages = first.catalog.locales().len();
    let per_copy = (after - before) / copies.len() as u64;
    let before = resident_kb();
    let catalogs: Vec<Catalog> = (0..10)
        .map(|_| Catalog::embedded().expect("locales load"))
        .collect();
    let catalog = (resident_kb() - before) / catalogs.len() as u64;
    println!(
        "knowledge of {languages} languages: {per_copy} kB ({} kB per language), of which the \
         catalog {catalog} kB and understanding {} kB",
        per_copy / languages as u64,
        per_copy - catalog
    );
}
