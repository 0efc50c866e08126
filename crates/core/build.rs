//! Embeds every file under the workspace's `locales/` folder, so the binary carries its languages
//! and adding a language is adding a folder.

use std::{env, fmt::Write as _, fs, path::Path};

fn main() {
    // Read at run time: a build script compiled in another checkout (shared target dir) must
    // still embed this checkout's locales.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    let mut dirs: Vec<_> = fs::read_dir(&root)
        .expect("the workspace has a locales/ folder")
        .map(|e| e.expect("readable locales/ entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let lang = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = fs::read_dir(&dir)
            .expect("readable locale folder")
            .map(|e| e.expect("readable locale file").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            entries.push((lang.clone(), name, file.canonicalize().unwrap()));
        }
    }
    let mut out =
        String::from("/// (locale, file name, contents) of every file under `locales/`.\n");
    out.push_str("pub(crate) static LOCALE_FILES: &[(&str, &str, &str)] = &[\n");
    for (lang, name, path) in entries {
        writeln!(
            out,
            "    ({lang:?}, {name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("locales.rs"),
        out,
    )
    .unwrap();
}
