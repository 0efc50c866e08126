//! Shows how the matcher reads questions, for working on the wordings:
//! `cargo run --release -p ecabot-core --example probe -- fi "miten liityn?" "…"`.
use ecabot_core::{Knowledge, Locale};

fn main() {
    let k = Knowledge::embedded().unwrap();
    let mut args = std::env::args().skip(1);
    let preferred = Locale::parse(&args.next().expect("a locale")).unwrap();
    for q in args {
        let u = k.matcher.understand(&q, preferred);
        println!(
            "{q:?} -> {:?} also {:?} score {:.2} runner-up {:.2} coverage {:.2} weakest {:.2} read in {} written {:?} country {:?}",
            u.intent,
            u.also,
            u.score,
            u.runner_up,
            u.coverage,
            u.weakest,
            u.language,
            u.written,
            u.country
        );
    }
}
