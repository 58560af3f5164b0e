//! Contexts after template text, including the Go 1.21–1.23 JS rules the Go 1.19 oracle of
//! the differential test cannot check (template literals, HTML-like comments, script end tags
//! inside JS literals).

use super::super::context::{Attr, Context, Delim, Element, JsCtx, State, UrlPart};
use super::super::text::escape_text;

fn after(text: &str) -> Context {
    escape_text(Context::default(), text).0
}

fn ctx(state: State) -> Context {
    Context::with_state(state)
}

#[track_caller]
fn check(text: &str, want: Context) {
    let got = after(text);
    assert_eq!(got.to_string(), want.to_string(), "after {text:?}");
}

#[test]
fn html_states() {
    check("", ctx(State::Text));
    check("Hello, <b>World</b>!", ctx(State::Text));
    check("<a", ctx(State::Tag));
    check("</a", ctx(State::Tag));
    check("a < b", ctx(State::Text));
    check("<!--", ctx(State::HtmlCmt));
    check("<!-- x -->", ctx(State::Text));
    let href = |state, delim, url_part| Context {
        state,
        delim,
        url_part,
        attr: Attr::Url,
        ..Context::default()
    };
    check("<a href", href(State::AttrName, Delim::None, UrlPart::None));
    check(
        "<a href ",
        href(State::AfterName, Delim::None, UrlPart::None),
    );
    check(
        "<a href=",
        href(State::BeforeValue, Delim::None, UrlPart::None),
    );
    check(
        "<a HREF=\"",
        href(State::Url, Delim::DoubleQuote, UrlPart::None),
    );
    check(
        "<a href='x",
        href(State::Url, Delim::SingleQuote, UrlPart::PreQuery),
    );
    check(
        "<a href=\"/x?",
        href(State::Url, Delim::DoubleQuote, UrlPart::QueryOrFrag),
    );
    check(
        "<a href=\" ",
        href(State::Url, Delim::DoubleQuote, UrlPart::None),
    );
    check(
        "<a title=x",
        Context {
            state: State::Attr,
            delim: Delim::SpaceOrTagEnd,
            ..Context::default()
        },
    );
    check("<a title=x ", ctx(State::Tag));
    check("<a title=\"x\">", ctx(State::Text));
    check(
        "<img srcset=\"",
        Context {
            state: State::Srcset,
            delim: Delim::DoubleQuote,
            attr: Attr::Srcset,
            ..Context::default()
        },
    );
}

#[test]
fn special_elements() {
    let el = |state, element| Context {
        state,
        element,
        ..Context::default()
    };
    check("<title>", el(State::Rcdata, Element::Title));
    check("<title><b>", el(State::Rcdata, Element::Title));
    check("<title></title>", ctx(State::Text));
    check(
        "<TEXTAREA>x</textareax>",
        el(State::Rcdata, Element::Textarea),
    );
    check("<textarea>x</TextArea >", ctx(State::Text));
    check("<script>", el(State::Js, Element::Script));
    check("<script>x</script>", ctx(State::Text));
    check("<style>", el(State::Css, Element::Style));
    check("<script type=\"text/template\">", ctx(State::Text));
    check(
        "<script type='text/javascript; charset=x'>",
        el(State::Js, Element::Script),
    );
    check("<script type=module>", el(State::Js, Element::Script));
}

#[test]
fn js_states() {
    let js = |state, js_ctx| Context {
        state,
        js_ctx,
        element: Element::Script,
        ..Context::default()
    };
    check("<script>var x = \"", js(State::JsDqStr, JsCtx::Regexp));
    check("<script>var x = '\\'", js(State::JsSqStr, JsCtx::Regexp));
    check("<script>/", js(State::JsRegexp, JsCtx::Regexp));
    check("<script>/[/]", js(State::JsRegexp, JsCtx::Regexp));
    check("<script>/x/", js(State::Js, JsCtx::DivOp));
    check("<script>x/", js(State::Js, JsCtx::Regexp));
    check("<script>x", js(State::Js, JsCtx::DivOp));
    check("<script>return ", js(State::Js, JsCtx::Regexp));
    check("<script>x++", js(State::Js, JsCtx::DivOp));
    check("<script>x+", js(State::Js, JsCtx::Regexp));
    check("<script>1.", js(State::Js, JsCtx::DivOp));
    check("<script>// c", js(State::JsLineCmt, JsCtx::Regexp));
    check("<script>// c\n", js(State::Js, JsCtx::Regexp));
    check("<script>/* c", js(State::JsBlockCmt, JsCtx::Regexp));
    check("<script>/* c */", js(State::Js, JsCtx::Regexp));
    check("<script>x /* c */", js(State::Js, JsCtx::DivOp));
    check(
        "<a onclick=\"&quot;",
        Context {
            state: State::JsDqStr,
            delim: Delim::DoubleQuote,
            attr: Attr::Script,
            ..Context::default()
        },
    );
}

#[test]
fn go_1_23_js_rules() {
    let js = |state, js_ctx| Context {
        state,
        js_ctx,
        element: Element::Script,
        ..Context::default()
    };
    // Template literals and their interpolations.
    check("<script>`", js(State::JsTmplLit, JsCtx::Regexp));
    check("<script>`a${", js(State::Js, JsCtx::Regexp));
    check("<script>`a${x}", js(State::JsTmplLit, JsCtx::DivOp));
    check("<script>`a${ {b: 1} }", js(State::JsTmplLit, JsCtx::DivOp));
    check("<script>`a${x}`", js(State::Js, JsCtx::DivOp));
    check("<script>`\\${x", js(State::JsTmplLit, JsCtx::Regexp));
    check("<script>{ }", js(State::Js, JsCtx::Regexp));
    // HTML-like comments and hashbang lines.
    check("<script><!--", js(State::JsHtmlOpenCmt, JsCtx::Regexp));
    check("<script><!-- x\n", js(State::Js, JsCtx::Regexp));
    check("<script>x -->", js(State::JsHtmlCloseCmt, JsCtx::DivOp));
    check("<script>#!/bin/node", js(State::JsLineCmt, JsCtx::Regexp));
    check("<script>a < b", js(State::Js, JsCtx::DivOp));
    // A script end tag inside a JS literal or comment does not end the script.
    check(
        "<script>var s = \"</script>",
        js(State::JsDqStr, JsCtx::Regexp),
    );
    check("<script>// </script>", js(State::JsLineCmt, JsCtx::Regexp));
    check("<script>/a</script>", js(State::JsRegexp, JsCtx::Regexp));
    check("<script>var s = \"x\";</script>", ctx(State::Text));
    // Go 1.23 trims all JS white space before deciding regexp vs division.
    check("<script>return\u{a0}", js(State::Js, JsCtx::Regexp));
}

#[test]
fn css_states() {
    let css = |state| Context {
        state,
        element: Element::Style,
        ..Context::default()
    };
    check("<style>p { color: \"", css(State::CssDqStr));
    check("<style>p { color: '", css(State::CssSqStr));
    check("<style>p { background: url(", css(State::CssUrl));
    check("<style>p { background: URL ( \"", css(State::CssDqUrl));
    check("<style>p { background: url('", css(State::CssSqUrl));
    check("<style>p { myurl(", css(State::Css));
    check("<style>/* x", css(State::CssBlockCmt));
    check("<style>// x", css(State::CssLineCmt));
    check("<style>// x\n", css(State::Css));
    let mut url = css(State::CssDqUrl);
    url.url_part = UrlPart::QueryOrFrag;
    check("<style>p { background: url(\"/x?", url);
    let mut url = css(State::CssUrl);
    // Escapes are decoded piecewise: `\3f` is not seen as `?`.
    url.url_part = UrlPart::PreQuery;
    check("<style>p { background: url(/x\\3f", url);
    check(
        "<p style=\"x: &quot;",
        Context {
            state: State::CssDqStr,
            delim: Delim::DoubleQuote,
            attr: Attr::Style,
            ..Context::default()
        },
    );
}

#[test]
fn errors() {
    let err = |text: &str| {
        let c = after(text);
        assert_eq!(c.state, State::Error, "after {text:?}");
        c.err.map(|e| e.to_string()).unwrap_or_default()
    };
    assert_eq!(
        err("<a b\"c=1>"),
        r#"html/template: "\"" in attribute name: " b\"c=1>""#
    );
    assert_eq!(
        err("<a =x>"),
        r#"html/template: expected space, attr name, or end of tag, but got "=x>""#
    );
    assert_eq!(
        err("<a href=x'y>"),
        r#"html/template: "'" in unquoted attr: "x'y""#
    );
    assert_eq!(
        err("<script>var s = \"\\"),
        r#"html/template: unfinished escape sequence in JS string: "\\""#
    );
    assert_eq!(
        err("<script>`\\"),
        r#"html/template: unfinished escape sequence in JS string: "\\""#
    );
    assert_eq!(
        err("<script>/[x"),
        r#"html/template: unfinished JS regexp charset: "[x""#
    );
    assert_eq!(
        err("<style>p{x:\"\\"),
        r#"html/template: unfinished escape sequence in CSS string: "\\""#
    );
}
