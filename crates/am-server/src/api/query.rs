//! Query-string parameters the way the handlers' binders read them: go-swagger for v2
//! (`collectionFormat: multi` filters, last value wins for scalars, an empty value means
//! "not given", booleans through go-openapi `swag.ConvertBool`) and Go's `r.FormValue` for v1
//! (first value).

/// Decoded `name=value` pairs of a query string, in order.
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Parses a raw query string (`None` = no query).
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        Query(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        )
    }

    /// Every value of `name`, in order (v2 `multi` collections).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The last value of `name` unless it is empty (go-swagger scalar binding).
    pub(crate) fn last(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The first value of `name`, `""` when absent (Go's `Request.FormValue`).
    pub(crate) fn first(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// A v2 boolean with default `true`: absent or empty → true; otherwise go-openapi's
    /// `ConvertBool` (true for `true 1 yes ok y on selected checked enabled`, any case; false
    /// for anything else).
    pub(crate) fn flag(&self, name: &str) -> bool {
        match self.last(name) {
            None => true,
            Some(v) => matches!(
                v.to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "ok" | "y" | "on" | "selected" | "checked" | "enabled"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binder_rules() {
        let q = Query::parse(Some(
            "filter=a%3D%22b%22&filter=c%3D~%22d%22&active=false&active=&silenced=YES&receiver=x&receiver=y",
        ));
        assert_eq!(q.all("filter"), vec!["a=\"b\"", "c=~\"d\""]);
        // go-swagger binds the last raw value; an empty one means "use the default".
        assert!(q.flag("active"));
        assert!(!Query::parse(Some("active=false")).flag("active"));
        assert!(!Query::parse(Some("active=nope")).flag("active"));
        assert!(q.flag("silenced"));
        assert!(q.flag("inhibited"));
        assert_eq!(q.last("receiver"), Some("y"));
        assert_eq!(q.first("receiver"), "x");
        assert_eq!(q.first("nope"), "");
    }
}
