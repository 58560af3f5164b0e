//! Reading [`TemplateData`] from JSON the way Go's `encoding/json` fills Alertmanager's
//! `template.Data` (what `amtool template render --template.data=FILE` does): object keys match
//! the fields' JSON names case-insensitively (with Go's folding of `ſ` and the Kelvin sign),
//! unknown keys are ignored, `null` leaves a field as it is (and sets a map to nil, or empties
//! the list), a key seen twice decodes into what the first one left (maps merge, list elements
//! are decoded in place), and a value of the wrong JSON type is reported as Go's `*json.UnmarshalTypeError`
//! after the rest of the document was decoded. Times use `time.Time.UnmarshalJSON` (Go 1.23):
//! a JSON string parsed as RFC 3339.
//!
//! Mirrors `encoding/json/decode.go` for the shapes of upstream `template/template.go`.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::data::{AlertData, Kv, TemplateData};
use crate::gotime::{self, GoTime};

/// Why template data could not be read; the message is Go's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

/// Decodes `bytes` (one JSON document) as Go decodes it into a `template.Data`.
///
/// # Errors
/// Malformed JSON, a value of the wrong type for its field, or an unparsable time.
pub fn from_json(bytes: &[u8]) -> Result<TemplateData, DataError> {
    let mut data = TemplateData::default();
    let mut ctx = Ctx::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = DataSeed {
        target: &mut data,
        ctx: &mut ctx,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match result {
        Err(e) => Err(DataError(ctx.fatal.take().unwrap_or_else(|| e.to_string()))),
        Ok(()) => match ctx.saved {
            Some(message) => Err(DataError(message)),
            None => Ok(data),
        },
    }
}

impl<'de> serde::Deserialize<'de> for TemplateData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut data = TemplateData::default();
        let mut ctx = Ctx::default();
        DataSeed {
            target: &mut data,
            ctx: &mut ctx,
        }
        .deserialize(deserializer)
        .map_err(|e| match ctx.fatal.take() {
            Some(message) => de::Error::custom(message),
            None => e,
        })?;
        match ctx.saved {
            Some(message) => Err(de::Error::custom(message)),
            None => Ok(data),
        }
    }
}

/// Decoding state shared by the nested seeds.
#[derive(Default)]
struct Ctx {
    /// The first type mismatch (Go's `d.savedError`): decoding goes on, the error is returned
    /// at the end.
    saved: Option<String>,
    /// An error that stopped decoding (a bad time), kept because serde only carries strings.
    fatal: Option<String>,
}

impl Ctx {
    fn mismatch(&mut self, json_kind: &str, at: &Field<'_>, go_type: &str) {
        if self.saved.is_none() {
            self.saved = Some(format!(
                "json: cannot unmarshal {json_kind} into Go struct field {}.{} of type {go_type}",
                at.strukt, at.path
            ));
        }
    }

    fn fail<E: de::Error>(&mut self, message: String) -> E {
        let error = E::custom(&message);
        self.fatal = Some(message);
        error
    }
}

/// Where a value goes, for error messages: Go names the innermost struct type and the path of
/// JSON field names from the top (`Alert.alerts.labels`).
#[derive(Clone, Copy)]
struct Field<'a> {
    strukt: &'static str,
    path: &'a str,
}

/// The JSON fields of `template.Data`, in declaration order.
const DATA_FIELDS: [&str; 7] = [
    "receiver",
    "status",
    "alerts",
    "groupLabels",
    "commonLabels",
    "commonAnnotations",
    "externalURL",
];

/// The JSON fields of `template.Alert`, in declaration order.
const ALERT_FIELDS: [&str; 7] = [
    "status",
    "labels",
    "annotations",
    "startsAt",
    "endsAt",
    "generatorURL",
    "fingerprint",
];

/// Go's key matching: an exact match, else the first field whose name equals the key under
/// case folding (`encoding/json` folds `ſ` to `s` and the Kelvin sign to `k` as well).
fn find_field(fields: &[&'static str], key: &str) -> Option<&'static str> {
    if let Some(f) = fields.iter().find(|f| **f == key) {
        return Some(f);
    }
    fields.iter().copied().find(|f| fold_equal(key, f))
}

fn fold_equal(key: &str, field: &str) -> bool {
    let mut key_chars = key.chars();
    for f in field.bytes() {
        let f = f.to_ascii_lowercase();
        let Some(k) = key_chars.next() else {
            return false;
        };
        let same = (k.is_ascii() && k.to_ascii_lowercase() == char::from(f))
            || (f == b's' && k == '\u{17f}')
            || (f == b'k' && k == '\u{212a}');
        if !same {
            return false;
        }
    }
    key_chars.next().is_none()
}

/// Drains a sequence or map of the wrong type.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Implements the visitor methods for JSON values of the wrong type: each records a type
/// mismatch through `$self.mismatch(kind)` and leaves the target alone.
macro_rules! mismatch_visits {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            self.mismatch("bool");
            Ok(())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            self.mismatch("number");
            Ok(())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            self.mismatch("number");
            Ok(())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            self.mismatch("number");
            Ok(())
        }
    };
}

/// The top-level `template.Data` object.
struct DataSeed<'a> {
    target: &'a mut TemplateData,
    ctx: &'a mut Ctx,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl DataSeed<'_> {
    fn mismatch(self, kind: &str) {
        if self.ctx.saved.is_none() {
            self.ctx.saved = Some(format!(
                "json: cannot unmarshal {kind} into Go value of type template.Data"
            ));
        }
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    mismatch_visits!();

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.mismatch("string");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.mismatch("array");
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let data = self.target;
        let ctx = self.ctx;
        while let Some(key) = map.next_key::<String>()? {
            let Some(name) = find_field(&DATA_FIELDS, &key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let at = Field {
                strukt: "Data",
                path: name,
            };
            match name {
                "receiver" => map.next_value_seed(StringSeed::new(&mut data.receiver, ctx, at))?,
                "status" => map.next_value_seed(StringSeed::new(&mut data.status, ctx, at))?,
                "externalURL" => {
                    map.next_value_seed(StringSeed::new(&mut data.external_url, ctx, at))?;
                }
                "alerts" => map.next_value_seed(AlertsSeed {
                    target: &mut data.alerts,
                    ctx,
                })?,
                "groupLabels" => {
                    map.next_value_seed(KvSeed::new(&mut data.group_labels, ctx, at))?
                }
                "commonLabels" => {
                    map.next_value_seed(KvSeed::new(&mut data.common_labels, ctx, at))?;
                }
                _ => map.next_value_seed(KvSeed::new(&mut data.common_annotations, ctx, at))?,
            }
        }
        Ok(())
    }
}

/// A `string` field.
struct StringSeed<'a, 'p> {
    target: &'a mut String,
    ctx: &'a mut Ctx,
    at: Field<'p>,
    go_type: &'static str,
}

impl<'a, 'p> StringSeed<'a, 'p> {
    fn new(target: &'a mut String, ctx: &'a mut Ctx, at: Field<'p>) -> Self {
        StringSeed {
            target,
            ctx,
            at,
            go_type: "string",
        }
    }

    fn mismatch(self, kind: &str) {
        self.ctx.mismatch(kind, &self.at, self.go_type);
    }
}

impl<'de> DeserializeSeed<'de> for StringSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON string")
    }

    mismatch_visits!();

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        v.clone_into(self.target);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.mismatch("array");
        skip_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.mismatch("object");
        skip_map(map)
    }
}

/// A `template.KV` (`map[string]string`) field: entries are added to what is there (an object
/// allocates a nil map); `null` makes it nil.
struct KvSeed<'a, 'p> {
    target: &'a mut Kv,
    ctx: &'a mut Ctx,
    at: Field<'p>,
}

impl<'a, 'p> KvSeed<'a, 'p> {
    fn new(target: &'a mut Kv, ctx: &'a mut Ctx, at: Field<'p>) -> Self {
        KvSeed { target, ctx, at }
    }

    fn mismatch(self, kind: &str) {
        self.ctx.mismatch(kind, &self.at, "template.KV");
    }
}

impl<'de> DeserializeSeed<'de> for KvSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KvSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    mismatch_visits!();

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.mismatch("string");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.target = Kv::nil();
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.mismatch("array");
        skip_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.target.is_nil() {
            // Go allocates the map for an object, even an empty one.
            *self.target = Kv::new();
        }
        while let Some(key) = map.next_key::<String>()? {
            // Go stores the element even when its value had the wrong type (as "").
            let mut value = String::new();
            map.next_value_seed(StringSeed::new(&mut value, self.ctx, self.at))?;
            self.target.insert(key, value);
        }
        Ok(())
    }
}

/// The `alerts` field: elements are decoded into the existing ones, extra old ones dropped.
struct AlertsSeed<'a> {
    target: &'a mut Vec<AlertData>,
    ctx: &'a mut Ctx,
}

impl AlertsSeed<'_> {
    fn mismatch(self, kind: &str) {
        let at = Field {
            strukt: "Data",
            path: "alerts",
        };
        self.ctx.mismatch(kind, &at, "template.Alerts");
    }
}

impl<'de> DeserializeSeed<'de> for AlertsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AlertsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    mismatch_visits!();

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.mismatch("string");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.target.clear();
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.mismatch("object");
        skip_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut count = 0;
        loop {
            if count == self.target.len() {
                self.target.push(AlertData::default());
            }
            let seed = AlertSeed {
                target: &mut self.target[count],
                ctx: self.ctx,
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            count += 1;
        }
        self.target.truncate(count);
        Ok(())
    }
}

/// One `template.Alert`.
struct AlertSeed<'a> {
    target: &'a mut AlertData,
    ctx: &'a mut Ctx,
}

impl AlertSeed<'_> {
    fn mismatch(self, kind: &str) {
        let at = Field {
            strukt: "Data",
            path: "alerts",
        };
        self.ctx.mismatch(kind, &at, "template.Alert");
    }
}

impl<'de> DeserializeSeed<'de> for AlertSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AlertSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    mismatch_visits!();

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.mismatch("string");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.mismatch("array");
        skip_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let alert = self.target;
        let ctx = self.ctx;
        while let Some(key) = map.next_key::<String>()? {
            let Some(name) = find_field(&ALERT_FIELDS, &key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let path = format!("alerts.{name}");
            let at = Field {
                strukt: "Alert",
                path: &path,
            };
            match name {
                "status" => map.next_value_seed(StringSeed::new(&mut alert.status, ctx, at))?,
                "labels" => map.next_value_seed(KvSeed::new(&mut alert.labels, ctx, at))?,
                "annotations" => {
                    map.next_value_seed(KvSeed::new(&mut alert.annotations, ctx, at))?;
                }
                "startsAt" => map.next_value_seed(TimeSeed {
                    target: &mut alert.starts_at,
                    ctx,
                })?,
                "endsAt" => map.next_value_seed(TimeSeed {
                    target: &mut alert.ends_at,
                    ctx,
                })?,
                "generatorURL" => {
                    map.next_value_seed(StringSeed::new(&mut alert.generator_url, ctx, at))?;
                }
                _ => map.next_value_seed(StringSeed::new(&mut alert.fingerprint, ctx, at))?,
            }
        }
        Ok(())
    }
}

/// A `time.Time` field (`Time.UnmarshalJSON`): `null` is ignored, anything but a string is an
/// error, and the string must be RFC 3339. Errors stop decoding.
struct TimeSeed<'a> {
    target: &'a mut GoTime,
    ctx: &'a mut Ctx,
}

impl TimeSeed<'_> {
    fn not_a_string<E: de::Error>(self) -> E {
        self.ctx
            .fail("Time.UnmarshalJSON: input is not a JSON string".to_owned())
    }
}

impl<'de> DeserializeSeed<'de> for TimeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TimeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match gotime::parse_rfc3339(v) {
            Ok(t) => {
                *self.target = t;
                Ok(())
            }
            Err(e) => Err(self.ctx.fail(e.to_string())),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_a_string())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_a_string())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_a_string())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_a_string())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_a_string())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_like_go() {
        assert_eq!(find_field(&DATA_FIELDS, "RECEIVER"), Some("receiver"));
        assert_eq!(find_field(&DATA_FIELDS, "externalUrl"), Some("externalURL"));
        assert_eq!(find_field(&DATA_FIELDS, "\u{17f}tatus"), Some("status"));
        assert_eq!(find_field(&DATA_FIELDS, "statu"), None);
        assert_eq!(find_field(&DATA_FIELDS, "statuss"), None);
        assert_eq!(find_field(&DATA_FIELDS, "st\u{e4}tus"), None);
    }
}
