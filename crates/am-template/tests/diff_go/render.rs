//! Our side of the differential suite: renders a case with `am_template::alertmanager`, the
//! counterpart of upstream's `template.FromGlobs` + `ExecuteTextString`/`ExecuteHTMLString`
//! (no upstream counterpart itself: test infrastructure only).

use am_template::alertmanager::{Template, TemplateData, TemplateOptions, system_clock};

use super::cases::{Case, Flavour};
use super::compare::Outcome;

/// Builds templates the way the suite needs them: the defaults alone are built once and cloned.
pub struct Renderer {
    base: Result<Template, String>,
}

impl Renderer {
    /// Loads the built-in templates.
    pub fn new() -> Renderer {
        Renderer {
            base: Template::from_globs::<&str>(&[], options()).map_err(|e| e.to_string()),
        }
    }

    /// Renders `case` with our implementation; `globs` are absolute patterns (possibly empty).
    pub fn render(&self, case: &Case, globs: &[String]) -> Outcome {
        match self.render_inner(case, globs) {
            Ok(output) => Outcome::ok(output),
            Err(error) => Outcome::err(error),
        }
    }

    fn render_inner(&self, case: &Case, globs: &[String]) -> Result<String, String> {
        let owned;
        let tmpl = if globs.is_empty() {
            self.base.as_ref().map_err(Clone::clone)?
        } else {
            owned = Template::from_globs(globs, options()).map_err(|e| e.to_string())?;
            &owned
        };
        let data = if case.data.is_null() {
            TemplateData::default()
        } else {
            let json = serde_json::to_vec(&case.data).map_err(|e| e.to_string())?;
            TemplateData::from_json(&json).map_err(|e| format!("test data: {e}"))?
        };
        let value = data.to_value();
        let result = match case.flavour {
            Flavour::Text => tmpl.execute_text_string(&case.text, &value),
            Flavour::Html => tmpl.execute_html_string(&case.text, &value),
        };
        result.map_err(|e| e.to_string())
    }
}

/// Default options; `since` reads the system clock as Go's `time.Since` does (the cases only
/// use it in comparisons that hold for years).
fn options() -> TemplateOptions {
    TemplateOptions::new(system_clock())
}
