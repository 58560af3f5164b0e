//! Printing a [`Config`] back as YAML, the way upstream's `Config.String()` (yaml.v2
//! `Marshal` of `config.Config`, v0.28) prints it: upstream's key order and `omitempty`
//! rules, every default filled in for `global` and receivers, routes as written (inherited
//! values are not printed), secrets as `<secret>`. `/api/v2/status` and `amtool config show`
//! show this text.

use am_model::matcher::Matchers;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::inhibit::InhibitRule;
use crate::route::Route;
use crate::time_interval::{IntervalList, NamedTimeInterval};

impl Config {
    /// The configuration as YAML text (upstream's `Config.String()`).
    pub fn to_yaml(&self) -> String {
        crate::yaml::emit(&self.to_value())
    }

    /// The configuration as a JSON value with upstream's keys, in upstream's order.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("global".into(), to_value(&self.global));
        out.insert("route".into(), route_value(&self.route));
        let rules: Vec<Value> = self.inhibit_rules.iter().map(inhibit_value).collect();
        put_list(&mut out, "inhibit_rules", rules);
        let receivers: Vec<Value> = self.receivers.iter().map(to_value).collect();
        put_list(&mut out, "receivers", receivers);
        out.insert("templates".into(), strings(&self.template_paths));
        for list in [IntervalList::MuteTimeIntervals, IntervalList::TimeIntervals] {
            let named: Vec<Value> = self
                .time_intervals
                .iter()
                .filter(|t| t.list == list)
                .map(interval_value)
                .collect();
            put_list(&mut out, list.key(), named);
        }
        Value::Object(out)
    }
}

/// A value through its `Serialize` impl (which cannot fail for our types: every map key is
/// a string).
fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

fn put_list(out: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        out.insert(key.into(), Value::Array(items));
    }
}

fn put_strings(out: &mut Map<String, Value>, key: &str, items: &[String]) {
    if !items.is_empty() {
        out.insert(key.into(), strings(items));
    }
}

fn put_pairs(out: &mut Map<String, Value>, key: &str, pairs: &[(String, String)]) {
    if !pairs.is_empty() {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        out.insert(key.into(), Value::Object(map));
    }
}

/// `match_re`-style maps: upstream's `Regexp` marshals an empty pattern as null.
fn put_regex_pairs(out: &mut Map<String, Value>, key: &str, pairs: &[(String, String)]) {
    if !pairs.is_empty() {
        let value = |v: &String| match v.is_empty() {
            true => Value::Null,
            false => Value::String(v.clone()),
        };
        let map = pairs.iter().map(|(k, v)| (k.clone(), value(v))).collect();
        out.insert(key.into(), Value::Object(map));
    }
}

fn put_matchers(out: &mut Map<String, Value>, key: &str, matchers: &Matchers) {
    let printed: Vec<String> = matchers.iter().map(ToString::to_string).collect();
    put_strings(out, key, &printed);
}

/// A route as upstream's `config.Route` marshals: the values written, in field order.
fn route_value(route: &Route) -> Value {
    let spec = &route.spec;
    let mut out = Map::new();
    if let Some(receiver) = spec.receiver.as_deref().filter(|r| !r.is_empty()) {
        out.insert("receiver".into(), Value::String(receiver.to_owned()));
    }
    put_strings(
        &mut out,
        "group_by",
        spec.group_by.as_deref().unwrap_or_default(),
    );
    put_pairs(&mut out, "match", &spec.match_eq);
    put_regex_pairs(&mut out, "match_re", &spec.match_re);
    put_matchers(&mut out, "matchers", &spec.matchers);
    put_strings(&mut out, "mute_time_intervals", &route.mute_time_intervals);
    put_strings(
        &mut out,
        "active_time_intervals",
        &route.active_time_intervals,
    );
    out.insert("continue".into(), Value::Bool(route.continue_matching));
    put_list(
        &mut out,
        "routes",
        route.routes.iter().map(route_value).collect(),
    );
    let timings = [
        ("group_wait", spec.group_wait),
        ("group_interval", spec.group_interval),
        ("repeat_interval", spec.repeat_interval),
    ];
    for (key, value) in timings {
        if let Some(d) = value {
            out.insert(key.into(), Value::String(d.to_string()));
        }
    }
    Value::Object(out)
}

/// An inhibition rule as upstream's `config.InhibitRule` marshals.
fn inhibit_value(rule: &InhibitRule) -> Value {
    let spec = &rule.spec;
    let mut out = Map::new();
    put_pairs(&mut out, "source_match", &spec.source_match);
    put_regex_pairs(&mut out, "source_match_re", &spec.source_match_re);
    put_matchers(&mut out, "source_matchers", &spec.source_matchers);
    put_pairs(&mut out, "target_match", &spec.target_match);
    put_regex_pairs(&mut out, "target_match_re", &spec.target_match_re);
    put_matchers(&mut out, "target_matchers", &spec.target_matchers);
    put_strings(&mut out, "equal", &spec.equal);
    Value::Object(out)
}

/// A named time interval (`time_intervals` is printed even when empty, as upstream does).
fn interval_value(interval: &NamedTimeInterval) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), Value::String(interval.name.clone()));
    let periods: Vec<Value> = interval.intervals.iter().map(to_value).collect();
    out.insert("time_intervals".into(), Value::Array(periods));
    Value::Object(out)
}
