//! The escaping context: where an HTML parser is when it reaches a point of a template's output
//! (Go's `html/template/context.go`, as of Go 1.23).
//!
//! Enum variants print with Go's `stringer` names (`stateText`, `delimNone`, ...) because
//! mangled template names and error texts contain them.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use super::error::EscapeError;

/// High-level HTML parser state (Go's `state`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum State {
    /// Parsed character data.
    #[default]
    Text,
    /// Before an attribute or the end of a tag.
    Tag,
    /// Inside an attribute name.
    AttrName,
    /// After an attribute name, before any `=`.
    AfterName,
    /// After the `=`, before the value.
    BeforeValue,
    /// Inside an `<!-- HTML comment -->`.
    HtmlCmt,
    /// Inside `<textarea>` or `<title>`.
    Rcdata,
    /// Inside a text attribute value.
    Attr,
    /// Inside a URL attribute value.
    Url,
    /// Inside a `srcset` attribute value.
    Srcset,
    /// JavaScript (event handler or `<script>` body).
    Js,
    /// JS double-quoted string.
    JsDqStr,
    /// JS single-quoted string.
    JsSqStr,
    /// JS template literal (backquoted).
    JsTmplLit,
    /// JS regular expression literal.
    JsRegexp,
    /// JS `/* block comment */`.
    JsBlockCmt,
    /// JS `// line comment`.
    JsLineCmt,
    /// JS `<!--` HTML-like comment.
    JsHtmlOpenCmt,
    /// JS `-->` HTML-like comment.
    JsHtmlCloseCmt,
    /// CSS (`<style>` body or `style` attribute).
    Css,
    /// CSS double-quoted string.
    CssDqStr,
    /// CSS single-quoted string.
    CssSqStr,
    /// CSS `url("...")`.
    CssDqUrl,
    /// CSS `url('...')`.
    CssSqUrl,
    /// CSS unquoted `url(...)`.
    CssUrl,
    /// CSS `/* block comment */`.
    CssBlockCmt,
    /// CSS `// line comment`.
    CssLineCmt,
    /// An infectious error state.
    Error,
    /// Unreachable code after `{{break}}` or `{{continue}}`.
    Dead,
}

impl State {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            State::Text => "stateText",
            State::Tag => "stateTag",
            State::AttrName => "stateAttrName",
            State::AfterName => "stateAfterName",
            State::BeforeValue => "stateBeforeValue",
            State::HtmlCmt => "stateHTMLCmt",
            State::Rcdata => "stateRCDATA",
            State::Attr => "stateAttr",
            State::Url => "stateURL",
            State::Srcset => "stateSrcset",
            State::Js => "stateJS",
            State::JsDqStr => "stateJSDqStr",
            State::JsSqStr => "stateJSSqStr",
            State::JsTmplLit => "stateJSTmplLit",
            State::JsRegexp => "stateJSRegexp",
            State::JsBlockCmt => "stateJSBlockCmt",
            State::JsLineCmt => "stateJSLineCmt",
            State::JsHtmlOpenCmt => "stateJSHTMLOpenCmt",
            State::JsHtmlCloseCmt => "stateJSHTMLCloseCmt",
            State::Css => "stateCSS",
            State::CssDqStr => "stateCSSDqStr",
            State::CssSqStr => "stateCSSSqStr",
            State::CssDqUrl => "stateCSSDqURL",
            State::CssSqUrl => "stateCSSSqURL",
            State::CssUrl => "stateCSSURL",
            State::CssBlockCmt => "stateCSSBlockCmt",
            State::CssLineCmt => "stateCSSLineCmt",
            State::Error => "stateError",
            State::Dead => "stateDead",
        }
    }

    /// Go's `isComment`: content meant for template authors, not end users.
    pub fn is_comment(self) -> bool {
        matches!(
            self,
            State::HtmlCmt
                | State::JsBlockCmt
                | State::JsLineCmt
                | State::JsHtmlOpenCmt
                | State::JsHtmlCloseCmt
                | State::CssBlockCmt
                | State::CssLineCmt
        )
    }

    /// Go's `isInTag`.
    pub fn is_in_tag(self) -> bool {
        matches!(
            self,
            State::Tag | State::AttrName | State::AfterName | State::BeforeValue | State::Attr
        )
    }

    /// Go's `isInScriptLiteral`: JS strings, template literals and regexps.
    pub fn is_in_script_literal(self) -> bool {
        matches!(
            self,
            State::JsDqStr | State::JsSqStr | State::JsTmplLit | State::JsRegexp
        )
    }
}

/// The delimiter that will end the current attribute value (Go's `delim`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Delim {
    /// Outside any attribute.
    #[default]
    None,
    /// `"`
    DoubleQuote,
    /// `'`
    SingleQuote,
    /// Space or `>` (unquoted value).
    SpaceOrTagEnd,
}

impl Delim {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            Delim::None => "delimNone",
            Delim::DoubleQuote => "delimDoubleQuote",
            Delim::SingleQuote => "delimSingleQuote",
            Delim::SpaceOrTagEnd => "delimSpaceOrTagEnd",
        }
    }

    /// Go's `delimEnds`: the bytes that end an attribute value with this delimiter.
    pub fn ends(self) -> &'static [u8] {
        match self {
            Delim::None => b"",
            Delim::DoubleQuote => b"\"",
            Delim::SingleQuote => b"'",
            Delim::SpaceOrTagEnd => b" \t\n\x0c\r>",
        }
    }
}

/// Part of a URL (Go's `urlPart`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UrlPart {
    /// Not in a URL, or at its very start.
    #[default]
    None,
    /// Scheme, authority or path.
    PreQuery,
    /// Query or fragment.
    QueryOrFrag,
    /// Joined contexts on both sides of the query separator.
    Unknown,
}

impl UrlPart {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            UrlPart::None => "urlPartNone",
            UrlPart::PreQuery => "urlPartPreQuery",
            UrlPart::QueryOrFrag => "urlPartQueryOrFrag",
            UrlPart::Unknown => "urlPartUnknown",
        }
    }
}

/// Whether a `/` would start a regexp or a division (Go's `jsCtx`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum JsCtx {
    /// A `/` starts a regexp literal.
    #[default]
    Regexp,
    /// A `/` is a division operator.
    DivOp,
    /// Ambiguous after joining contexts.
    Unknown,
}

impl JsCtx {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            JsCtx::Regexp => "jsCtxRegexp",
            JsCtx::DivOp => "jsCtxDivOp",
            JsCtx::Unknown => "jsCtxUnknown",
        }
    }
}

/// The current attribute's kind (Go's `attr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Attr {
    /// A normal attribute or none.
    #[default]
    None,
    /// An event handler.
    Script,
    /// The `type` attribute of `<script>`.
    ScriptType,
    /// `style`
    Style,
    /// A URL attribute.
    Url,
    /// `srcset`
    Srcset,
}

impl Attr {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            Attr::None => "attrNone",
            Attr::Script => "attrScript",
            Attr::ScriptType => "attrScriptType",
            Attr::Style => "attrStyle",
            Attr::Url => "attrURL",
            Attr::Srcset => "attrSrcset",
        }
    }

    /// Go's `attrStartStates`: the state at the start of a value of this attribute kind.
    pub fn start_state(self) -> State {
        match self {
            Attr::None | Attr::ScriptType => State::Attr,
            Attr::Script => State::Js,
            Attr::Style => State::Css,
            Attr::Url => State::Url,
            Attr::Srcset => State::Srcset,
        }
    }
}

/// The special element whose tag or body we are in (Go's `element`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Element {
    /// No special element.
    #[default]
    None,
    /// `<script>` (with a JS type or none).
    Script,
    /// `<style>`
    Style,
    /// `<textarea>`
    Textarea,
    /// `<title>`
    Title,
}

impl Element {
    /// Go's stringer name.
    pub fn go_name(self) -> &'static str {
        match self {
            Element::None => "elementNone",
            Element::Script => "elementScript",
            Element::Style => "elementStyle",
            Element::Textarea => "elementTextarea",
            Element::Title => "elementTitle",
        }
    }

    /// Go's `elementContentType`: the state of the element's body.
    pub fn content_state(self) -> State {
        match self {
            Element::None => State::Text,
            Element::Script => State::Js,
            Element::Style => State::Css,
            Element::Textarea | Element::Title => State::Rcdata,
        }
    }

    /// Go's `specialTagEndMarkers`.
    pub fn end_marker(self) -> &'static [u8] {
        match self {
            Element::None => b"",
            Element::Script => b"script",
            Element::Style => b"style",
            Element::Textarea => b"textarea",
            Element::Title => b"title",
        }
    }
}

/// Go's `[]int` brace-depth stack of JS template literal interpolations, with Go's slice
/// semantics: copies of a context share the backing array, writes through one copy are seen by
/// the others while it is not reallocated, and `append` reallocates only when capacity is
/// exhausted (growing as Go's runtime does for 8-byte elements).
#[derive(Clone, Debug, Default)]
pub struct BraceDepth {
    backing: Option<Arc<Mutex<Vec<i64>>>>,
    len: usize,
}

impl BraceDepth {
    /// Number of open interpolations.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no interpolation is open.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn lock(b: &Mutex<Vec<i64>>) -> MutexGuard<'_, Vec<i64>> {
        b.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cap(&self) -> usize {
        self.backing.as_ref().map_or(0, |b| Self::lock(b).len())
    }

    /// `s = append(s, v)`.
    pub fn push(&mut self, v: i64) {
        if self.len < self.cap() {
            if let Some(b) = &self.backing {
                Self::lock(b)[self.len] = v;
            }
        } else {
            let old_cap = self.cap();
            let new_cap = if old_cap == 0 { 1 } else { old_cap * 2 };
            let mut arr = vec![0; new_cap];
            if let Some(b) = &self.backing {
                arr[..self.len].copy_from_slice(&Self::lock(b)[..self.len]);
            }
            arr[self.len] = v;
            self.backing = Some(Arc::new(Mutex::new(arr)));
        }
        self.len += 1;
    }

    /// `s = s[:len(s)-1]`.
    pub fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    /// Adds `delta` to the last element (shared with other copies) and returns the new value.
    pub fn add_last(&mut self, delta: i64) -> i64 {
        let Some(b) = &self.backing else { return 0 };
        let mut arr = Self::lock(b);
        match self.len.checked_sub(1).and_then(|i| arr.get_mut(i)) {
            Some(x) => {
                *x += delta;
                *x
            }
            None => 0,
        }
    }
}

/// Where a `{{break}}`/`{{continue}}` was seen (Go's `context.n`), for error locations.
#[derive(Clone, Debug)]
pub struct BreakSite {
    /// Line of the node.
    pub line: usize,
    /// `NAME:LINE:COL` of the node.
    pub loc: String,
}

/// Go's `context`.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Parser state.
    pub state: State,
    /// Attribute value delimiter.
    pub delim: Delim,
    /// Part of the URL.
    pub url_part: UrlPart,
    /// Regexp or division after the next `/`.
    pub js_ctx: JsCtx,
    /// Brace depths of open JS template literal interpolations.
    pub js_brace_depth: BraceDepth,
    /// Attribute kind.
    pub attr: Attr,
    /// Special element.
    pub element: Element,
    /// The `{{break}}`/`{{continue}}` this context was recorded at.
    pub n: Option<Arc<BreakSite>>,
    /// The error of an error context.
    pub err: Option<Box<EscapeError>>,
}

impl Context {
    /// A context with only a state.
    pub fn with_state(state: State) -> Context {
        Context {
            state,
            ..Context::default()
        }
    }

    /// An error context.
    pub fn error(err: EscapeError) -> Context {
        Context {
            state: State::Error,
            err: Some(Box::new(err)),
            ..Context::default()
        }
    }

    /// Go's `context.eq` (brace depths and break sites are not compared; two errors are never
    /// the same error).
    pub fn same(&self, d: &Context) -> bool {
        self.state == d.state
            && self.delim == d.delim
            && self.url_part == d.url_part
            && self.js_ctx == d.js_ctx
            && self.attr == d.attr
            && self.element == d.element
            && self.err.is_none()
            && d.err.is_none()
    }

    /// Go's `context.mangle`: the template name suffixed with the non-default context parts.
    pub fn mangle(&self, name: &str) -> String {
        if self.state == State::Text {
            return name.to_string();
        }
        let mut s = format!("{name}$htmltemplate_{}", self.state.go_name());
        if self.delim != Delim::None {
            s.push('_');
            s.push_str(self.delim.go_name());
        }
        if self.url_part != UrlPart::None {
            s.push('_');
            s.push_str(self.url_part.go_name());
        }
        if self.js_ctx != JsCtx::Regexp {
            s.push('_');
            s.push_str(self.js_ctx.go_name());
        }
        if self.attr != Attr::None {
            s.push('_');
            s.push_str(self.attr.go_name());
        }
        if self.element != Element::None {
            s.push('_');
            s.push_str(self.element.go_name());
        }
        s
    }
}

/// Go's `context.String()`: `{stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}`.
impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{} {} {} {} {} {} ",
            self.state.go_name(),
            self.delim.go_name(),
            self.url_part.go_name(),
            self.js_ctx.go_name(),
            self.attr.go_name(),
            self.element.go_name()
        )?;
        match &self.err {
            Some(e) => write!(f, "{e}}}"),
            None => f.write_str("<nil>}"),
        }
    }
}

/// Go's `nudge`: the context after following empty-string transitions.
pub fn nudge(mut c: Context) -> Context {
    match c.state {
        State::Tag => c.state = State::AttrName,
        State::BeforeValue => {
            c.state = c.attr.start_state();
            c.delim = Delim::SpaceOrTagEnd;
            c.attr = Attr::None;
        }
        State::AfterName => {
            c.state = State::AttrName;
            c.attr = Attr::None;
        }
        _ => {}
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangle_lists_non_default_parts() {
        let c = Context::default();
        assert_eq!(c.mangle("t"), "t");
        let c = Context {
            state: State::Url,
            delim: Delim::DoubleQuote,
            url_part: UrlPart::PreQuery,
            attr: Attr::Url,
            ..Context::default()
        };
        assert_eq!(
            c.mangle("t"),
            "t$htmltemplate_stateURL_delimDoubleQuote_urlPartPreQuery_attrURL"
        );
        let c = Context {
            state: State::Js,
            js_ctx: JsCtx::DivOp,
            element: Element::Script,
            ..Context::default()
        };
        assert_eq!(
            c.mangle("x"),
            "x$htmltemplate_stateJS_jsCtxDivOp_elementScript"
        );
    }

    #[test]
    fn display_matches_go() {
        assert_eq!(
            Context::default().to_string(),
            "{stateText delimNone urlPartNone jsCtxRegexp attrNone elementNone <nil>}"
        );
    }

    #[test]
    fn nudge_before_value_starts_unquoted_value() {
        let c = Context {
            state: State::BeforeValue,
            attr: Attr::Url,
            ..Context::default()
        };
        let n = nudge(c);
        assert_eq!(n.state, State::Url);
        assert_eq!(n.delim, Delim::SpaceOrTagEnd);
        assert_eq!(n.attr, Attr::None);
    }

    #[test]
    fn brace_depth_shares_backing_like_go_slices() {
        let mut a = BraceDepth::default();
        a.push(0);
        let mut b = a.clone();
        assert_eq!(b.add_last(1), 1);
        // `a` sees the write through `b`: same backing array.
        assert_eq!(a.add_last(0), 1);
        // Appending beyond capacity reallocates: writes are no longer shared.
        b.push(5);
        assert_eq!(b.add_last(1), 6);
        assert_eq!(a.add_last(0), 1);
        b.pop();
        b.pop();
        assert!(b.is_empty());
        assert_eq!(a.len(), 1);
    }
}
