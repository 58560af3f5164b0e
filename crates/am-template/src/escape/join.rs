//! Joining the contexts at the ends of branches (Go's `join` and `joinRange` in
//! `html/template/escape.go`, Go 1.23): equal contexts join, contexts differing only in URL
//! part or JS regexp/division state join to "unknown", a nudged context may join an un-nudged
//! one, anything else is a `{{if}} branches end in different contexts` error.

use super::context::{Context, JsCtx, State, UrlPart, nudge};
use super::error::{ErrorCode, EscapeError};

/// Contexts at the `{{break}}` and `{{continue}}` actions of the innermost `{{range}}`.
#[derive(Debug, Default)]
pub struct RangeContext {
    /// Contexts at `{{break}}`s.
    pub breaks: Vec<Context>,
    /// Contexts at `{{continue}}`s.
    pub continues: Vec<Context>,
}

/// Go's `joinRange`: merges the contexts at `{{break}}` and `{{continue}}` into the body's.
pub fn join_range(mut c0: Context, rc: &RangeContext) -> Context {
    for (list, what) in [(&rc.breaks, "break"), (&rc.continues, "continue")] {
        for c in list {
            let site = c.n.clone();
            let loc = site.as_ref().map(|s| s.loc.clone()).unwrap_or_default();
            c0 = join(c0, c.clone(), &loc, "range");
            if c0.state == State::Error {
                if let Some(e) = c0.err.as_mut() {
                    e.line = site.as_ref().map_or(0, |s| s.line);
                    e.description = format!("at range loop {what}: {}", e.description);
                }
                return c0;
            }
        }
    }
    c0
}

/// Go's `join`: the context after a branch whose arms end in `a` and `b`.
pub fn join(a: Context, b: Context, node_loc: &str, node_name: &str) -> Context {
    if a.state == State::Error {
        return a;
    }
    if b.state == State::Error {
        return b;
    }
    if a.state == State::Dead {
        return b;
    }
    if b.state == State::Dead {
        return a;
    }
    if a.same(&b) {
        return a;
    }
    let mut c = a.clone();
    c.url_part = b.url_part;
    if c.same(&b) {
        c.url_part = UrlPart::Unknown;
        return c;
    }
    let mut c = a.clone();
    c.js_ctx = b.js_ctx;
    if c.same(&b) {
        c.js_ctx = JsCtx::Unknown;
        return c;
    }
    let (c, d) = (nudge(a.clone()), nudge(b.clone()));
    if !(c.same(&a) && d.same(&b)) {
        let e = join(c, d, node_loc, node_name);
        if e.state != State::Error {
            return e;
        }
    }
    Context::error(EscapeError::new(
        ErrorCode::BranchEnd,
        Some(node_loc.to_string()),
        0,
        format!("{{{{{node_name}}}}} branches end in different contexts: {a}, {b}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::context::{Attr, Delim};

    fn url(part: UrlPart) -> Context {
        Context {
            state: State::Url,
            delim: Delim::DoubleQuote,
            url_part: part,
            attr: Attr::Url,
            ..Context::default()
        }
    }

    #[test]
    fn joins() {
        let j = join(
            url(UrlPart::PreQuery),
            url(UrlPart::QueryOrFrag),
            "t:1:2",
            "if",
        );
        assert_eq!(j.url_part, UrlPart::Unknown);
        let js = |c| Context {
            state: State::Js,
            js_ctx: c,
            ..Context::default()
        };
        assert_eq!(
            join(js(JsCtx::DivOp), js(JsCtx::Regexp), "", "if").js_ctx,
            JsCtx::Unknown
        );
        let before = Context {
            state: State::BeforeValue,
            attr: Attr::Url,
            ..Context::default()
        };
        let unquoted = Context {
            state: State::Url,
            delim: Delim::SpaceOrTagEnd,
            ..Context::default()
        };
        let j = join(unquoted.clone(), before, "", "if");
        assert!(j.same(&unquoted), "{j}");
        let dead = Context::with_state(State::Dead);
        assert!(join(dead, url(UrlPart::None), "", "if").same(&url(UrlPart::None)));
    }

    #[test]
    fn join_error() {
        let j = join(Context::default(), url(UrlPart::None), "t:1:5", "with");
        assert_eq!(
            j.err.map(|e| e.to_string()).as_deref(),
            Some(
                "html/template:t:1:5: {{with}} branches end in different contexts: \
                 {stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}, \
                 {stateURL delimDoubleQuote urlPartNone jsCtxRegexp attrURL elementNone <nil>}"
            )
        );
    }
}
