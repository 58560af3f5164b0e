//! Content types of HTML attribute values (Go's `html/template/attr.go` and the `contentType`
//! of `content.go`), and the typed strings (`template.HTML`, ...) they correspond to.

use crate::value::ContentKind;

/// Go's `contentType`: the kind of content a value has or an attribute expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// Plain text.
    Plain,
    /// `template.CSS`
    Css,
    /// `template.HTML`
    Html,
    /// `template.HTMLAttr`
    HtmlAttr,
    /// `template.JS`
    Js,
    /// `template.JSStr`
    JsStr,
    /// `template.URL`
    Url,
    /// `template.Srcset`
    Srcset,
    /// An attribute whose value has security implications of its own.
    Unsafe,
}

impl From<ContentKind> for ContentType {
    fn from(k: ContentKind) -> Self {
        match k {
            ContentKind::Html => ContentType::Html,
            ContentKind::HtmlAttr => ContentType::HtmlAttr,
            ContentKind::Js => ContentType::Js,
            ContentKind::JsStr => ContentType::JsStr,
            ContentKind::Css => ContentType::Css,
            ContentKind::Url => ContentType::Url,
            ContentKind::Srcset => ContentType::Srcset,
        }
    }
}

/// Attributes whose values are plain text.
const PLAIN: &[&str] = &[
    "accept",
    "alt",
    "autocomplete",
    "autofocus",
    "autoplay",
    "border",
    "checked",
    "class",
    "cols",
    "colspan",
    "contenteditable",
    "contextmenu",
    "controls",
    "coords",
    "datetime",
    "default",
    "dir",
    "dirname",
    "disabled",
    "draggable",
    "dropzone",
    "for",
    "formtarget",
    "headers",
    "height",
    "hidden",
    "high",
    "hreflang",
    "id",
    "ismap",
    "kind",
    "label",
    "lang",
    "list",
    "loop",
    "low",
    "max",
    "maxlength",
    "media",
    "mediagroup",
    "min",
    "multiple",
    "name",
    "open",
    "optimum",
    "placeholder",
    "preload",
    "pubdate",
    "radiogroup",
    "readonly",
    "required",
    "reversed",
    "rows",
    "rowspan",
    "spellcheck",
    "scope",
    "scoped",
    "seamless",
    "selected",
    "shape",
    "size",
    "sizes",
    "span",
    "srclang",
    "start",
    "step",
    "tabindex",
    "target",
    "title",
    "width",
    "wrap",
];

/// Attributes that templates must not set from data.
const UNSAFE: &[&str] = &[
    "accept-charset",
    "async",
    "challenge",
    "charset",
    "content",
    "crossorigin",
    "defer",
    "enctype",
    "form",
    "formenctype",
    "formmethod",
    "formnovalidate",
    "http-equiv",
    "keytype",
    "language",
    "method",
    "novalidate",
    "pattern",
    "rel",
    "sandbox",
    "type",
    "value",
];

/// Attributes whose values are URLs.
const URL: &[&str] = &[
    "action",
    "archive",
    "background",
    "cite",
    "classid",
    "codebase",
    "data",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "manifest",
    "poster",
    "profile",
    "src",
    "usemap",
    "xmlns",
];

/// Go's `attrType`: the content type of the (lower-case) attribute `name`'s value.
pub fn attr_type(name: &str) -> ContentType {
    let mut name = name;
    if let Some(rest) = name.strip_prefix("data-") {
        name = rest;
    } else if let Some((prefix, short)) = name.split_once(':') {
        if prefix == "xmlns" {
            return ContentType::Url;
        }
        name = short;
    }
    match name {
        "srcdoc" => return ContentType::Html,
        "srcset" => return ContentType::Srcset,
        "style" => return ContentType::Css,
        _ => {}
    }
    if PLAIN.contains(&name) {
        return ContentType::Plain;
    }
    if UNSAFE.contains(&name) {
        return ContentType::Unsafe;
    }
    if URL.contains(&name) {
        return ContentType::Url;
    }
    if name.starts_with("on") {
        return ContentType::Js;
    }
    if name.contains("src") || name.contains("uri") || name.contains("url") {
        return ContentType::Url;
    }
    ContentType::Plain
}

/// Go's `strings.ToLower` (simple case mapping: `İ` becomes `i`, not `i̇`).
pub fn go_to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars()
        .map(|c| {
            if c == '\u{130}' {
                'i'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types() {
        assert_eq!(attr_type("href"), ContentType::Url);
        assert_eq!(attr_type("data-href"), ContentType::Url);
        assert_eq!(attr_type("xmlns:foo"), ContentType::Url);
        assert_eq!(attr_type("xlink:href"), ContentType::Url);
        assert_eq!(attr_type("onclick"), ContentType::Js);
        assert_eq!(attr_type("style"), ContentType::Css);
        assert_eq!(attr_type("srcset"), ContentType::Srcset);
        assert_eq!(attr_type("srclang"), ContentType::Plain);
        assert_eq!(attr_type("imgsrc"), ContentType::Url);
        assert_eq!(attr_type("myuri"), ContentType::Url);
        assert_eq!(attr_type("type"), ContentType::Unsafe);
        assert_eq!(attr_type("title"), ContentType::Plain);
        assert_eq!(attr_type("foo"), ContentType::Plain);
        assert_eq!(attr_type("srcdoc"), ContentType::Html);
    }

    #[test]
    fn lower_uses_simple_mapping() {
        assert_eq!(go_to_lower("HREF"), "href");
        assert_eq!(go_to_lower("\u{130}D"), "id");
        assert_eq!(go_to_lower("\u{212a}"), "k");
    }
}
