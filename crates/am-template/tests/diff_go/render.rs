//! Our side of the differential suite: renders a case with `am_template::alertmanager`, the
//! counterpart of upstream's `template.FromGlobs` + `ExecuteTextString`/`ExecuteHTMLString`
//! (no upstream counterpart itself: test infrastructure only).

use super::cases::{Case, Flavour};
use super::compare::Outcome;

/// Renders `case` with our implementation; `globs` are absolute patterns (possibly empty).
pub fn render(case: &Case, globs: &[String]) -> Outcome {
    match render_inner(case, globs) {
        Ok(output) => Outcome::ok(output),
        Err(error) => Outcome::err(error),
    }
}

fn render_inner(case: &Case, globs: &[String]) -> Result<String, String> {
    let _ = (globs, &case.data, &case.text);
    match case.flavour {
        Flavour::Text | Flavour::Html => {
            Err("not implemented yet: am_template::alertmanager::Template".to_owned())
        }
    }
}
