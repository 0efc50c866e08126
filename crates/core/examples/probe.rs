use ecabot_core::{Knowledge, Locale};
fn main() {
    let k = Knowledge::embedded().unwrap();
    let mut args = std::env::args().skip(1);
    let loc = Locale::parse(&args.next().unwrap()).unwrap();
    for q in args {
        let u = k.matcher.understand(&q, loc);
        println!("  {:?}", k.matcher.explain(&q, u.language));
        println!(
            "{q:?} -> {:?} also {:?} score {:.2} cov {:.2} known {:.2} lang {} country {:?}",
            u.topic.map(|t| t.as_str()),
            u.also.map(|t| t.as_str()),
            u.score,
            u.coverage,
            u.known,
            u.language,
            u.country
        );
    }
}
