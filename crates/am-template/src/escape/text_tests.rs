//! Rewriting of template text: `<` escaping, comment removal, and (Go 1.23) `<script`,
//! `</script` and `<!--` inside JS literals.

use super::*;

fn rewrite(text: &str) -> String {
    let (c, new) = escape_text(Context::default(), text);
    assert_ne!(c.state, State::Error, "{text:?}: {c}");
    new.unwrap_or_else(|| text.to_string())
}

#[test]
fn text_rewrites() {
    assert_eq!(rewrite("a<b"), "a<b");
    assert_eq!(rewrite("a < b <3"), "a &lt; b &lt;3");
    assert_eq!(
        rewrite("<!DOCTYPE html><p>x</p>"),
        "<!DOCTYPE html><p>x</p>"
    );
    assert_eq!(rewrite("<!doctype html>"), "<!doctype html>");
    assert_eq!(rewrite("a<!-- c -->b<!--d-->"), "ab");
    assert_eq!(rewrite("<title>a<b</title>"), "<title>a&lt;b</title>");
    assert_eq!(
        rewrite("<p title=\"<!-- x -->\">"),
        "<p title=\"<!-- x -->\">"
    );
}

#[test]
fn comments_in_script_and_style() {
    assert_eq!(
        rewrite("<script>a/* x */b</script>"),
        "<script>a b</script>"
    );
    assert_eq!(
        rewrite("<script>a/* x\n */b</script>"),
        "<script>a\nb</script>"
    );
    assert_eq!(
        rewrite("<script>a/*\u{2028}*/b</script>"),
        "<script>a\nb</script>"
    );
    assert_eq!(
        rewrite("<script>a// x\nb</script>"),
        "<script>a\nb</script>"
    );
    assert_eq!(rewrite("<style>a/* x */b</style>"), "<style>a b</style>");
    assert_eq!(rewrite("<style>a// x\nb</style>"), "<style>a\nb</style>");
    // Go 1.23: HTML-like comments in scripts.
    assert_eq!(
        rewrite("<script><!-- x\nvar y</script>"),
        "<script>\nvar y</script>"
    );
    assert_eq!(
        rewrite("<script>a --> x\nb</script>"),
        "<script>a \nb</script>"
    );
    assert_eq!(
        rewrite("<script>#!node\nb</script>"),
        "<script>\nb</script>"
    );
}

#[test]
fn special_tags_in_js_literals() {
    assert_eq!(
        rewrite("<script>var s = \"<script></SCRIPT><!--\";</script>"),
        "<script>var s = \"\\x3Cscript>\\x3C/SCRIPT>\\x3C!--\";</script>"
    );
    assert_eq!(
        rewrite("<script>var r = /</script>/;</script>"),
        "<script>var r = /\\x3C/script>/;</script>"
    );
    assert_eq!(
        rewrite("<script>var s = `<script>`;</script>"),
        "<script>var s = `\\x3Cscript>`;</script>"
    );
}

#[test]
fn attribute_values_are_decoded() {
    let (c, _) = escape_text(Context::default(), "<a onclick=\"x = &#34;");
    assert_eq!(c.state, State::JsDqStr);
    let (c, _) = escape_text(Context::default(), "<a onclick=\"x = &#34;&#34;");
    assert_eq!(c.state, State::Js);
    let (c, _) = escape_text(Context::default(), "<a href=\"/x&#63;");
    assert_eq!(c.url_part, super::super::context::UrlPart::QueryOrFrag);
}
