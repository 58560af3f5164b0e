//! Request-body decoding with go-swagger's status split (upstream generated
//! `api/v2/restapi/operations/*/post_*_parameters.go` + go-openapi `runtime`/`errors`/`validate`):
//! - empty (or whitespace-only) body → 422 code 602 `<param> in body is required`;
//! - malformed JSON, wrong JSON types and unparsable date-times (strfmt fails while unmarshalling)
//!   → 400 `parsing <param> body from "" failed, because <reason>`;
//! - schema violations (required fields, `minItems`, `uri` format) → 422 with go-openapi codes,
//!   first violation only (go-openapi serves the first error of a composite).
//!
//! Like Go's `json.Decoder`, only the first JSON value is read (trailing bytes are ignored), object
//! keys match struct fields case-insensitively, unknown keys are ignored, `null` leaves a field
//! unset and a repeated key keeps its last value.

use std::fmt;

use am_model::alert::ZERO_TIME;
use am_model::labels::LabelSet;
use jiff::Timestamp;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::json;
use smol_str::SmolStr;

use super::models::{Matcher, PostableAlert, PostableSilence};
use super::uri::is_request_uri;
use crate::time::DateTime;

/// A rejected request body: the HTTP status and go-openapi's JSON error body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status}: {body}")]
pub struct BodyError {
    /// 400 (parse error) or 422 (schema violation).
    pub status: u16,
    /// `{"code": <int>, "message": "<text>"}`.
    pub body: serde_json::Value,
}

impl BodyError {
    fn new(status: u16, code: i32, message: String) -> Self {
        BodyError {
            status,
            body: json!({"code": code, "message": message}),
        }
    }

    fn parse(param: &str, reason: impl fmt::Display) -> Self {
        let msg = format!("parsing {param} body from \"\" failed, because {reason}");
        BodyError::new(400, 400, msg)
    }

    fn required(path: &str) -> Self {
        BodyError::new(422, 602, format!("{path} in body is required"))
    }

    /// The `message` text of the body.
    pub fn message(&self) -> &str {
        self.body
            .get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("")
    }

    /// The go-openapi `code` of the body.
    pub fn code(&self) -> i64 {
        self.body.get("code").and_then(|c| c.as_i64()).unwrap_or(0)
    }
}

/// serde_json's message without its " at line L column C" suffix; EOF as Go words it.
fn reason(e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected EOF".to_owned();
    }
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Reads the first JSON value of `body`; `None` when the body holds only whitespace.
fn first_value<'de, T: Deserialize<'de>>(
    body: &'de [u8],
    param: &str,
) -> Result<Option<T>, BodyError> {
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<T>();
    match stream.next() {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v)),
        Some(Err(e)) => Err(BodyError::parse(param, reason(&e))),
    }
}

/// A label map whose `null` values read as "" (Go leaves the string empty).
struct GoLabels(LabelSet);

impl<'de> Deserialize<'de> for GoLabels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GoLabels;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<GoLabels, A::Error> {
                let mut pairs: Vec<(SmolStr, SmolStr)> =
                    Vec::with_capacity(m.size_hint().unwrap_or(4).min(64));
                while let Some((k, v)) = m.next_entry::<SmolStr, Option<SmolStr>>()? {
                    pairs.push((k, v.unwrap_or_default()));
                }
                Ok(GoLabels(LabelSet::new(pairs)))
            }
        }
        d.deserialize_map(V)
    }
}

/// Declares a field-name enum matched case-insensitively (Go's `encoding/json` fallback).
macro_rules! fields {
    ($name:ident { $($var:ident = $key:literal),* $(,)? }) => {
        enum $name { $($var,)* Other }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        $(if s.eq_ignore_ascii_case($key) { return Ok($name::$var); })*
                        Ok($name::Other)
                    }
                }
                d.deserialize_identifier(V)
            }
        }
    };
}

fields!(AlertField {
    Labels = "labels",
    Annotations = "annotations",
    StartsAt = "startsAt",
    EndsAt = "endsAt",
    GeneratorUrl = "generatorURL",
});

/// A time field type for [`RawAlert`]: `strfmt.DateTime` (v2) or Go `time.Time` (v1).
trait WireTime<'de>: Deserialize<'de> {
    fn get(self) -> Timestamp;
}

impl WireTime<'_> for DateTime {
    fn get(self) -> Timestamp {
        self.0
    }
}

impl WireTime<'_> for crate::time::GoTime {
    fn get(self) -> Timestamp {
        self.0
    }
}

struct RawAlert<T> {
    _time: std::marker::PhantomData<T>,
    labels: Option<LabelSet>,
    annotations: Option<LabelSet>,
    starts_at: Option<Timestamp>,
    ends_at: Option<Timestamp>,
    generator_url: String,
}

impl<T> Default for RawAlert<T> {
    fn default() -> Self {
        RawAlert {
            _time: std::marker::PhantomData,
            labels: None,
            annotations: None,
            starts_at: None,
            ends_at: None,
            generator_url: String::new(),
        }
    }
}

impl<'de, T: WireTime<'de>> Deserialize<'de> for RawAlert<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: WireTime<'de>> Visitor<'de> for V<T> {
            type Value = RawAlert<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an alert object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawAlert<T>, A::Error> {
                let mut a = RawAlert::default();
                while let Some(k) = m.next_key::<AlertField>()? {
                    match k {
                        AlertField::Labels => {
                            a.labels = m.next_value::<Option<GoLabels>>()?.map(|l| l.0)
                        }
                        AlertField::Annotations => {
                            if let Some(l) = m.next_value::<Option<GoLabels>>()? {
                                a.annotations = Some(l.0);
                            }
                        }
                        AlertField::StartsAt => {
                            if let Some(t) = m.next_value::<Option<T>>()? {
                                a.starts_at = Some(t.get());
                            }
                        }
                        AlertField::EndsAt => {
                            if let Some(t) = m.next_value::<Option<T>>()? {
                                a.ends_at = Some(t.get());
                            }
                        }
                        AlertField::GeneratorUrl => {
                            if let Some(s) = m.next_value::<Option<String>>()? {
                                a.generator_url = s;
                            }
                        }
                        AlertField::Other => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(a)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Decodes and schema-validates a POST /api/v2/alerts body (`postableAlerts`). A `null` body
/// decodes to no alerts. Semantic checks (`Validate()`) are left to
/// [`PostableAlert::to_alert`](crate::v2::PostableAlert::to_alert).
///
/// # Errors
/// [`BodyError`] with status 400 or 422 as described in the module docs.
pub fn decode_postable_alerts(body: &[u8]) -> Result<Vec<PostableAlert>, BodyError> {
    let raw: Option<Option<Vec<Option<RawAlert<DateTime>>>>> = first_value(body, "alerts")?;
    let Some(raw) = raw else {
        return Err(BodyError::required("alerts"));
    };
    let raw = raw.unwrap_or_default();
    let mut out = Vec::with_capacity(raw.len());
    for (i, a) in raw.into_iter().enumerate() {
        // Upstream crashes on a `null` element; we report the missing labels instead.
        let a = a.unwrap_or_default();
        if !a.generator_url.is_empty() && !is_request_uri(&a.generator_url) {
            let q = am_model::go_quote::quote(&a.generator_url);
            return Err(BodyError::new(
                422,
                601,
                format!("{i}.generatorURL in body must be of type uri: {q}"),
            ));
        }
        let Some(labels) = a.labels else {
            return Err(BodyError::required(&format!("{i}.labels")));
        };
        out.push(PostableAlert {
            annotations: a.annotations.unwrap_or_else(LabelSet::empty),
            ends_at: DateTime(a.ends_at.unwrap_or(ZERO_TIME)),
            starts_at: DateTime(a.starts_at.unwrap_or(ZERO_TIME)),
            generator_url: a.generator_url,
            labels,
        });
    }
    Ok(out)
}

fields!(SilenceField {
    Id = "id",
    Matchers = "matchers",
    StartsAt = "startsAt",
    EndsAt = "endsAt",
    CreatedBy = "createdBy",
    Comment = "comment",
});

fields!(MatcherField {
    IsEqual = "isEqual",
    IsRegex = "isRegex",
    Name = "name",
    Value = "value",
});

#[derive(Default)]
struct RawMatcher {
    is_equal: Option<bool>,
    is_regex: Option<bool>,
    name: Option<String>,
    value: Option<String>,
}

impl<'de> Deserialize<'de> for RawMatcher {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMatcher;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a matcher object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawMatcher, A::Error> {
                let mut r = RawMatcher::default();
                while let Some(k) = m.next_key::<MatcherField>()? {
                    match k {
                        MatcherField::IsEqual => r.is_equal = m.next_value()?,
                        MatcherField::IsRegex => r.is_regex = m.next_value()?,
                        MatcherField::Name => r.name = m.next_value()?,
                        MatcherField::Value => r.value = m.next_value()?,
                        MatcherField::Other => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(r)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Default)]
struct RawSilence {
    id: Option<String>,
    matchers: Option<Vec<Option<RawMatcher>>>,
    starts_at: Option<Timestamp>,
    ends_at: Option<Timestamp>,
    created_by: Option<String>,
    comment: Option<String>,
}

impl<'de> Deserialize<'de> for RawSilence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSilence;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a silence object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawSilence, A::Error> {
                let mut s = RawSilence::default();
                while let Some(k) = m.next_key::<SilenceField>()? {
                    match k {
                        SilenceField::Id => s.id = m.next_value()?,
                        SilenceField::Matchers => s.matchers = m.next_value()?,
                        SilenceField::StartsAt => {
                            s.starts_at = m.next_value::<Option<DateTime>>()?.map(|t| t.0)
                        }
                        SilenceField::EndsAt => {
                            s.ends_at = m.next_value::<Option<DateTime>>()?.map(|t| t.0)
                        }
                        SilenceField::CreatedBy => s.created_by = m.next_value()?,
                        SilenceField::Comment => s.comment = m.next_value()?,
                        SilenceField::Other => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(s)
            }
        }
        d.deserialize_map(V)
    }
}

/// Decodes and schema-validates a POST /api/v2/silences body (`postableSilence`). Checks in
/// upstream's order: comment, createdBy, endsAt, matchers (required, at least one, each
/// isRegex/name/value required; isEqual defaults to true), startsAt.
///
/// # Errors
/// [`BodyError`] with status 400 or 422 as described in the module docs.
pub fn decode_postable_silence(body: &[u8]) -> Result<PostableSilence, BodyError> {
    let raw: Option<Option<RawSilence>> = first_value(body, "silence")?;
    let Some(raw) = raw else {
        return Err(BodyError::required("silence"));
    };
    let raw = raw.unwrap_or_default();
    let comment = raw.comment.ok_or_else(|| BodyError::required("comment"))?;
    let created_by = raw
        .created_by
        .ok_or_else(|| BodyError::required("createdBy"))?;
    let ends_at = raw.ends_at.ok_or_else(|| BodyError::required("endsAt"))?;
    let raw_matchers = raw
        .matchers
        .ok_or_else(|| BodyError::required("matchers"))?;
    if raw_matchers.is_empty() {
        return Err(BodyError::new(
            422,
            612,
            "matchers in body should have at least 1 items".to_owned(),
        ));
    }
    let mut matchers = Vec::with_capacity(raw_matchers.len());
    for (i, m) in raw_matchers.into_iter().enumerate() {
        let m = m.unwrap_or_default();
        let is_regex = m
            .is_regex
            .ok_or_else(|| BodyError::required(&format!("matchers.{i}.isRegex")))?;
        let name = m
            .name
            .ok_or_else(|| BodyError::required(&format!("matchers.{i}.name")))?;
        let value = m
            .value
            .ok_or_else(|| BodyError::required(&format!("matchers.{i}.value")))?;
        matchers.push(Matcher {
            is_equal: m.is_equal.unwrap_or(true),
            is_regex,
            name,
            value,
        });
    }
    let starts_at = raw
        .starts_at
        .ok_or_else(|| BodyError::required("startsAt"))?;
    Ok(PostableSilence {
        id: raw.id.unwrap_or_default(),
        comment,
        created_by,
        ends_at: DateTime(ends_at),
        matchers,
        starts_at: DateTime(starts_at),
    })
}

/// The v1 API's alert decoding (0.26 `api/v1` `receive`): the same JSON rules, but times are
/// strict RFC3339, label and annotation names must be legacy-valid already while decoding
/// (`"x" is not a valid label name`), missing labels are left empty (the `Validate()` step
/// reports them), `generatorURL` is not checked, and errors are plain text for the `bad_data`
/// envelope.
pub(crate) fn decode_alerts_v1(body: &[u8]) -> Result<Vec<PostableAlert>, String> {
    let raw: Option<Option<Vec<Option<RawAlert<crate::time::GoTime>>>>> =
        first_value(body, "alerts").map_err(|e| e.message().to_owned())?;
    let raw = raw.ok_or_else(|| "EOF".to_owned())?.unwrap_or_default();
    // `model.LabelSet.UnmarshalJSON` rejects invalid (legacy) names while decoding.
    let check = |ls: &Option<LabelSet>| match ls.as_ref().and_then(|l| {
        l.names()
            .find(|n| !am_model::labels::is_valid_legacy_label_name(n))
    }) {
        Some(n) => Err(format!(
            "{} is not a valid label name",
            am_model::go_quote::quote(n)
        )),
        None => Ok(()),
    };
    for a in raw.iter().flatten() {
        check(&a.labels)?;
        check(&a.annotations)?;
    }
    Ok(raw
        .into_iter()
        .map(|a| {
            let a = a.unwrap_or_default();
            PostableAlert {
                annotations: a.annotations.unwrap_or_else(LabelSet::empty),
                ends_at: DateTime(a.ends_at.unwrap_or(ZERO_TIME)),
                starts_at: DateTime(a.starts_at.unwrap_or(ZERO_TIME)),
                generator_url: a.generator_url,
                labels: a.labels.unwrap_or_else(LabelSet::empty),
            }
        })
        .collect())
}
