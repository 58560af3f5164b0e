//! `config show`, `cluster show`, `config routes show` and `config routes test` (upstream
//! `cli/config.go`, `cli/cluster.go`, `cli/routing.go`, `cli/test_routing.go`,
//! `cli/utils.go`, v0.28). Routing trees print as `xlab/treeprint` draws them.

use std::path::Path;

use am_api::v2::AlertmanagerStatus;
use am_config::load::{LoadOptions, load_file, load_str};
use am_config::{Config, Route};
use am_model::labels::LabelSet;
use am_model::matcher::MatchType;
use anyhow::anyhow;

use super::Ctx;
use super::client::GET_STATUS;
use crate::cli::RoutesTestArgs;

/// GET /api/v2/status.
///
/// # Errors
/// The API call fails.
pub async fn status(ctx: &Ctx) -> anyhow::Result<AlertmanagerStatus> {
    Ok(ctx.client.call(GET_STATUS, "/status", &[], None).await?)
}

/// `config show`.
///
/// # Errors
/// The API call fails.
pub async fn config_show(ctx: &mut Ctx) -> anyhow::Result<()> {
    let s = status(ctx).await?;
    let text = ctx.formatter().config(&s);
    ctx.print(&text)
}

/// `cluster show`.
///
/// # Errors
/// The API call fails.
pub async fn cluster_show(ctx: &mut Ctx) -> anyhow::Result<()> {
    let s = status(ctx).await?;
    let text = ctx.formatter().cluster(&s.cluster);
    ctx.print(&text)
}

/// `loadAlertmanagerConfig`: the local file when given, else the running Alertmanager's
/// configuration (`config.original` of /api/v2/status).
///
/// # Errors
/// The file or the remote text does not load, or the API call fails.
pub async fn load_config(
    ctx: &Ctx,
    file: Option<&Path>,
    url_given: bool,
    options: &LoadOptions,
) -> anyhow::Result<Config> {
    if let Some(path) = file {
        if url_given {
            eprintln!("Warning: --config.file flag overrides the --alertmanager.url.");
        }
        return load_file(path, options).map_err(|e| anyhow!("{e}"));
    }
    let s = status(ctx).await?;
    load_str(&s.config.original, None, options).map_err(|e| anyhow!("{e}"))
}

/// The text of a route in a tree: its matchers (or `default-route`), `continue: true` and
/// the receiver as asked (`getRouteTreeSlug`).
fn slug(route: &Route, show_continue: bool, show_receiver: bool) -> String {
    let mut s = if route.matchers.is_empty() {
        "default-route".to_owned()
    } else {
        route.matchers.to_string()
    };
    if route.continue_matching && show_continue {
        s.push_str("  continue: true");
    }
    if show_receiver {
        s.push_str("  receiver: ");
        s.push_str(&route.receiver);
    }
    s
}

/// A tree node for printing.
struct Node {
    text: String,
    children: Vec<Node>,
}

fn full_tree(route: &Route) -> Node {
    Node {
        text: slug(route, true, true),
        children: route.routes.iter().map(full_tree).collect(),
    }
}

/// `getMatchingTree`: the routes a label set walks through, the last ones with receivers.
fn matching_tree(route: &Route, labels: &LabelSet) -> Node {
    let mut children = Vec::new();
    for child in &route.routes {
        if child.matchers.matches(labels) {
            children.push(matching_tree(child, labels));
            if !child.continue_matching {
                break;
            }
        }
    }
    let text = slug(route, false, children.is_empty());
    Node { text, children }
}

/// Draws `root` under a `.` as treeprint does (ends with a newline).
fn draw(root: &Node) -> String {
    fn walk(out: &mut String, nodes: &[Node], prefix: &str) {
        for (i, n) in nodes.iter().enumerate() {
            let last = i + 1 == nodes.len();
            out.push_str(prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&n.text);
            out.push('\n');
            // treeprint pads the link with two no-break spaces and a space.
            let deeper = format!("{prefix}{}", if last { "    " } else { "│\u{a0}\u{a0} " });
            walk(out, &n.children, &deeper);
        }
    }
    let mut out = String::from(".\n");
    walk(&mut out, std::slice::from_ref(root), "");
    out
}

/// `dispatch.Route.Match`: the routes an alert with `labels` is delivered through.
fn matching_routes<'a>(route: &'a Route, labels: &LabelSet, out: &mut Vec<&'a Route>) -> bool {
    if !route.matchers.matches(labels) {
        return false;
    }
    let before = out.len();
    for child in &route.routes {
        if matching_routes(child, labels, out) && !child.continue_matching {
            break;
        }
    }
    if out.len() == before {
        out.push(route);
    }
    true
}

/// `config routes show`.
///
/// # Errors
/// The configuration cannot be loaded.
pub fn routes_show(ctx: &mut Ctx, config: &Config) -> anyhow::Result<()> {
    let text = format!("Routing tree:\n{}\n", draw(&full_tree(&config.route)));
    ctx.print(&text)
}

/// What `config routes test` concluded.
pub enum TestOutcome {
    /// The receivers were printed (and matched `--verify.receivers` if given).
    Ok,
    /// `--verify.receivers` did not match: exit 1.
    Mismatch,
}

/// `config routes test`.
///
/// # Errors
/// A label argument is not `name=value`.
pub fn routes_test(
    ctx: &mut Ctx,
    config: &Config,
    args: &RoutesTestArgs,
) -> anyhow::Result<TestOutcome> {
    let mut pairs = Vec::new();
    for l in &args.labels {
        let m = ctx
            .matcher(l)
            .map_err(|e| anyhow!("Failed to parse labels: {e}"))?;
        if m.match_type() != MatchType::Equal {
            anyhow::bail!("Labels must be specified as key=value pairs");
        }
        pairs.push((m.name().to_owned(), m.value().to_owned()));
    }
    let labels = LabelSet::new(pairs);
    let mut text = String::new();
    if args.tree {
        text.push_str("Matching routes:\n");
        text.push_str(&draw(&matching_tree(&config.route, &labels)));
        text.push_str("\n\n");
    }
    let mut routes = Vec::new();
    matching_routes(&config.route, &labels, &mut routes);
    let receivers: Vec<&str> = routes.iter().map(|r| r.receiver.as_str()).collect();
    let joined = receivers.join(",");
    text.push_str(&joined);
    text.push('\n');
    let expected = args.verify_receivers.as_deref().unwrap_or("");
    let outcome = if !expected.is_empty() && expected != joined {
        text.push_str("WARNING: Expected receivers did not match resolved receivers.\n");
        TestOutcome::Mismatch
    } else {
        TestOutcome::Ok
    };
    ctx.print(&text)?;
    Ok(outcome)
}
