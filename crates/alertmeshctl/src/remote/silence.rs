//! `silence query|add|expire|update|import` (upstream `cli/silence_*.go`, v0.28).

use std::io::Read as _;
use std::time::Duration;

use am_api::DateTime;
use am_api::v2::{GettableSilence, PostSilenceResponse, PostableSilence};
use am_model::duration::PromDuration;
use anyhow::{anyhow, bail};
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use jiff::Timestamp;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::client::{ApiError, DELETE_SILENCE, GET_SILENCE, GET_SILENCES, POST_SILENCES};
use super::format::{Zoned, decode_zoned};
use super::{Ctx, api_matcher, parse_rfc3339};

/// A `--start`/`--end` time and its UTC offset (Go keeps the parsed offset for printing).
fn parse_zoned(s: &str) -> anyhow::Result<(DateTime, i32)> {
    let t = am_template::gotime::parse_rfc3339(s).map_err(|e| anyhow!("{e}"))?;
    let ts = t
        .timestamp()
        .ok_or_else(|| anyhow!("time {s:?} is out of range"))?;
    Ok((DateTime(ts), t.zone().1))
}
use crate::cli::{
    SilenceAddArgs, SilenceExpireArgs, SilenceImportArgs, SilenceQueryArgs, SilenceUpdateArgs,
};

/// `silence query`: GET /api/v2/silences with the matchers as filters, then amtool's
/// client-side selection (active or `--expired`, `--within`, `--created-by`, `--id`).
///
/// # Errors
/// The API call fails.
pub async fn query(ctx: &mut Ctx, args: SilenceQueryArgs) -> anyhow::Result<()> {
    let mut filters = args.matcher_groups;
    ctx.default_alertname(&mut filters);
    let query: Vec<(&str, String)> = filters.into_iter().map(|f| ("filter", f)).collect();
    let raw: Value = ctx
        .client
        .call(GET_SILENCES, "/silences", &query, None)
        .await?;
    let all = decode_zoned::<GettableSilence>(raw)?;
    let now = Timestamp::now();
    let within = args.within.unwrap_or(Duration::ZERO);
    let shift = |d: Duration, forward: bool| {
        let span = jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX);
        let t = if forward {
            now.checked_add(span)
        } else {
            now.checked_sub(span)
        };
        t.unwrap_or(if forward {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
    };
    let mut shown: Vec<Zoned<GettableSilence>> = all
        .into_iter()
        .filter(|(s, _)| {
            let ends = s.ends_at.0;
            if !args.expired && ends < now {
                return false;
            }
            if args.expired && ends > now {
                return false;
            }
            if !args.expired && !within.is_zero() && ends > shift(within, true) {
                return false;
            }
            if args.expired && !within.is_zero() && ends < shift(within, false) {
                return false;
            }
            if let Some(by) = args.created_by.as_deref().filter(|b| !b.is_empty())
                && s.created_by != by
            {
                return false;
            }
            if let Some(id) = args.id.as_deref().filter(|i| !i.is_empty())
                && s.id != id
            {
                return false;
            }
            true
        })
        .collect();
    if args.quiet {
        let ids: String = shown.iter().map(|(s, _)| format!("{}\n", s.id)).collect();
        return ctx.print(&ids);
    }
    let text = ctx.formatter().silences(&mut shown);
    ctx.print(&text)
}

fn prom_duration(text: &str) -> anyhow::Result<Duration> {
    let d: PromDuration = text.parse().map_err(|e| anyhow!("{e}"))?;
    if d.as_duration().is_zero() {
        bail!("silence duration must be greater than 0");
    }
    Ok(d.as_duration())
}

fn plus(t: DateTime, d: Duration) -> anyhow::Result<DateTime> {
    let span = jiff::SignedDuration::try_from(d)?;
    Ok(DateTime(t.0.checked_add(span)?))
}

/// `silence add`: POST /api/v2/silences; prints the new silence's ID.
///
/// # Errors
/// Bad matchers or times, a missing comment, or the API call fails.
pub async fn add(ctx: &mut Ctx, args: SilenceAddArgs, author: String) -> anyhow::Result<()> {
    let mut inputs = args.matcher_groups;
    ctx.default_alertname(&mut inputs);
    let mut matchers = Vec::with_capacity(inputs.len());
    for s in &inputs {
        matchers.push(api_matcher(&ctx.matcher(s)?));
    }
    if matchers.is_empty() {
        bail!("no matchers specified");
    }
    let starts_at = match args.window.start.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_rfc3339(s)?,
        None => DateTime(Timestamp::now()),
    };
    let ends_at = match args.window.end.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_rfc3339(s)?,
        None => plus(starts_at, prom_duration(&args.duration)?)?,
    };
    if starts_at > ends_at {
        bail!("silence cannot start after it ends");
    }
    let comment = args.window.comment.unwrap_or_default();
    if !args.no_require_comment && comment.is_empty() {
        bail!("comment required by config");
    }
    let silence = PostableSilence {
        id: String::new(),
        comment,
        created_by: author,
        ends_at,
        matchers,
        starts_at,
    };
    let body = am_api::json::to_vec(&silence)?;
    let resp: PostSilenceResponse = ctx
        .client
        .call(POST_SILENCES, "/silences", &[], Some(body))
        .await?;
    ctx.print(&format!("{}\n", resp.silence_id))
}

/// `silence expire`: DELETE /api/v2/silence/{id} for each ID, stopping at the first error.
///
/// # Errors
/// No IDs, or an API call fails.
pub async fn expire(ctx: &mut Ctx, args: SilenceExpireArgs) -> anyhow::Result<()> {
    if args.ids.is_empty() {
        bail!("no silence IDs specified");
    }
    for id in &args.ids {
        let _: IgnoredAny = ctx
            .client
            .call(
                DELETE_SILENCE,
                &format!("/silence/{}", path_segment(id)),
                &[],
                None,
            )
            .await?;
    }
    Ok(())
}

/// `silence update`: reads each silence, changes its times and comment, posts it back and
/// prints the results (`-q`: their IDs, where amtool prints Go pointer addresses).
///
/// # Errors
/// No IDs, bad times, or an API call fails.
pub async fn update(ctx: &mut Ctx, args: SilenceUpdateArgs) -> anyhow::Result<()> {
    if args.ids.is_empty() {
        bail!("no silence IDs specified");
    }
    let mut updated = Vec::with_capacity(args.ids.len());
    for id in &args.ids {
        let path = format!("/silence/{}", path_segment(id));
        let raw: Value = ctx.client.call(GET_SILENCE, &path, &[], None).await?;
        let (mut sil, mut zones) = decode_zoned::<GettableSilence>(Value::Array(vec![raw]))?
            .pop()
            .ok_or_else(|| anyhow!("empty response"))?;
        if let Some(s) = args.window.start.as_deref().filter(|s| !s.is_empty()) {
            (sil.starts_at, zones.starts) = parse_zoned(s)?;
        }
        if let Some(e) = args.window.end.as_deref().filter(|s| !s.is_empty()) {
            (sil.ends_at, zones.ends) = parse_zoned(e)?;
        } else if let Some(d) = args.duration.as_deref().filter(|s| !s.is_empty()) {
            sil.ends_at = plus(sil.starts_at, prom_duration(d)?)?;
            zones.ends = 0;
        }
        if sil.starts_at > sil.ends_at {
            bail!("silence cannot start after it ends");
        }
        if let Some(c) = args.window.comment.as_deref().filter(|s| !s.is_empty()) {
            sil.comment = c.to_owned();
        }
        let post = PostableSilence {
            id: sil.id.clone(),
            comment: sil.comment.clone(),
            created_by: sil.created_by.clone(),
            ends_at: sil.ends_at,
            matchers: sil.matchers.clone(),
            starts_at: sil.starts_at,
        };
        let body = am_api::json::to_vec(&post)?;
        let resp: PostSilenceResponse = ctx
            .client
            .call(POST_SILENCES, "/silences", &[], Some(body))
            .await?;
        sil.id = resp.silence_id;
        updated.push((sil, zones));
    }
    if args.quiet {
        let ids: String = updated.iter().map(|(s, _)| format!("{}\n", s.id)).collect();
        return ctx.print(&ids);
    }
    let text = ctx.formatter().silences(&mut updated);
    ctx.print(&text)
}

/// Percent-encodes a path segment (the generated client escapes path parameters).
fn path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The fields of a `postableSilence` kept from each imported object (Go decodes into the
/// model and drops the rest).
const POSTABLE_KEYS: [&str; 6] = [
    "id",
    "comment",
    "createdBy",
    "endsAt",
    "matchers",
    "startsAt",
];

/// `silence import`: posts every silence of a JSON array (a file or stdin) with `-w`
/// concurrent requests; an unknown ID is retried as a new silence; `-f` always creates new
/// ones. Prints each new ID; failures go to stderr and make the command fail at the end.
///
/// # Errors
/// The input is not a JSON array of objects, or some silences could not be imported.
pub async fn import(ctx: &mut Ctx, args: SilenceImportArgs) -> anyhow::Result<()> {
    let mut text = String::new();
    match &args.input_file {
        Some(path) => text = std::fs::read_to_string(path)?,
        None => {
            std::io::stdin().read_to_string(&mut text)?;
        }
    }
    let items: Vec<Value> = serde_json::from_str(&text)
        .map_err(|e| anyhow!("couldn't unmarshal input data, is it JSON?: {e}"))?;
    let mut bodies = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(mut map) = item else {
            bail!("couldn't unmarshal input data, is it JSON?: expected a silence object");
        };
        map.retain(|k, _| POSTABLE_KEYS.contains(&k.as_str()));
        if args.force {
            map.remove("id");
        }
        bodies.push(map);
    }
    let count = bodies.len();
    let workers = args.worker.max(1);
    let client = &ctx.client;
    let mut errors = 0usize;
    let mut ids = Vec::new();
    let mut pending = bodies.into_iter();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < workers {
            let Some(body) = pending.next() else { break };
            running.push(import_one(client, body));
        }
        let Some(result) = running.next().await else {
            break;
        };
        match result {
            Ok(id) => ids.push(id),
            Err((sid, e)) => {
                eprintln!("Error adding silence id='{sid}': {e}");
                errors += 1;
            }
        }
        let out: String = ids.drain(..).map(|id| format!("{id}\n")).collect();
        ctx_print(&out)?;
    }
    if errors > 0 {
        bail!("couldn't import {errors} out of {count} silences");
    }
    Ok(())
}

fn ctx_print(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

async fn import_one(
    client: &super::client::Client,
    mut body: serde_json::Map<String, Value>,
) -> Result<String, (String, ApiError)> {
    let sid = body
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let post = |b: &serde_json::Map<String, Value>| {
        let bytes = am_api::json::to_vec(b).unwrap_or_default();
        client.call::<PostSilenceResponse>(POST_SILENCES, "/silences", &[], Some(bytes))
    };
    let mut result = post(&body).await;
    if let Err(ApiError::Listed { code: 404, .. }) = &result {
        body.remove("id");
        result = post(&body).await;
    }
    result.map(|r| r.silence_id).map_err(|e| (sid, e))
}
