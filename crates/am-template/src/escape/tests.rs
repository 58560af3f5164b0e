use super::*;
use crate::exec::Limits;
use crate::value::{ContentKind, Value};

fn render(src: &str, data: &Value) -> Result<String, String> {
    let mut set = TemplateSet::new();
    set.parse("", src).map_err(|e| e.to_string())?;
    escape_template(&mut set, "").map_err(|e| e.to_string())?;
    set.execute("", data, &Limits::default())
        .map_err(|e| e.to_string())
}

#[test]
fn smoke() {
    let d = Value::string_map([("X", "<a&b>\"'"), ("U", "javascript:alert(1)")]);
    assert_eq!(
        render("<p title={{.X}}>{{.X}}</p><a href=\"{{.U}}\">", &d).unwrap(),
        "<p title=&lt;a&amp;b&gt;&#34;&#39;>&lt;a&amp;b&gt;&#34;&#39;</p><a href=\"#ZgotmplZ\">"
    );
    let h = Value::Typed(ContentKind::Html, "<b>x</b>".into());
    assert_eq!(render("{{.}}<!-- c -->!", &h).unwrap(), "<b>x</b>!");
}
