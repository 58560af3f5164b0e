//! `alert query` and `alert add` (upstream `cli/alert_query.go`, `cli/alert_add.go`, v0.28).

use am_api::v2::{GettableAlert, PostableAlert, ZERO_DATETIME};
use serde::de::IgnoredAny;

use super::client::{GET_ALERTS, POST_ALERTS};
use super::format::decode_zoned;
use super::{Ctx, parse_rfc3339};
use crate::cli::{AlertAddArgs, AlertQueryArgs};

/// `alert query`: GET /api/v2/alerts with the state flags (only active alerts when none is
/// given), the receiver regex and the matchers as filters.
///
/// # Errors
/// The API call fails.
pub async fn query(ctx: &mut Ctx, args: AlertQueryArgs) -> anyhow::Result<()> {
    let mut filters = args.matcher_groups;
    ctx.default_alertname(&mut filters);
    let mut active = args.active;
    if !args.silenced && !args.inhibited && !args.active && !args.unprocessed {
        active = true;
    }
    let flag = |b: bool| b.to_string();
    let mut query: Vec<(&str, String)> = vec![
        ("active", flag(active)),
        ("inhibited", flag(args.inhibited)),
        ("silenced", flag(args.silenced)),
        ("unprocessed", flag(args.unprocessed)),
    ];
    if let Some(r) = args.receiver.filter(|r| !r.is_empty()) {
        query.push(("receiver", r));
    }
    for f in filters {
        query.push(("filter", f));
    }
    let raw: serde_json::Value = ctx.client.call(GET_ALERTS, "/alerts", &query, None).await?;
    let mut alerts = decode_zoned::<GettableAlert>(raw)?;
    let text = ctx.formatter().alerts(&mut alerts);
    ctx.print(&text)
}

/// `alert add`: POST /api/v2/alerts with one alert.
///
/// # Errors
/// Bad labels, annotations or times, or the API call fails.
pub async fn add(ctx: &mut Ctx, args: AlertAddArgs) -> anyhow::Result<()> {
    let mut labels = args.labels;
    ctx.default_alertname(&mut labels);
    let labels = ctx.label_pairs(&labels, "labels")?;
    let annotations = ctx.label_pairs(&args.annotation, "annotations")?;
    let starts_at = match args.start.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_rfc3339(s)?,
        None => ZERO_DATETIME,
    };
    let ends_at = match args.end.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_rfc3339(s)?,
        None => ZERO_DATETIME,
    };
    let alert = PostableAlert {
        annotations,
        ends_at,
        starts_at,
        generator_url: args.generator_url.unwrap_or_default(),
        labels,
    };
    let body = am_api::json::to_vec(&[alert])?;
    let _: IgnoredAny = ctx
        .client
        .call(POST_ALERTS, "/alerts", &[], Some(body))
        .await?;
    Ok(())
}
