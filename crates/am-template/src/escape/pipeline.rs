//! Rewriting action pipelines to end in the escapers their context needs (Go's
//! `ensurePipelineContains`, `appendCmd` and the predefined-escaper tables of
//! `html/template/escape.go`, Go 1.23).

use crate::parse::{Arg, CommandNode, IdentifierNode, PipeNode};

/// Go's `predefinedEscapers`: text/template builtins equivalent to contextual escapers.
pub fn is_predefined_escaper(name: &str) -> bool {
    name == "html" || name == "urlquery"
}

/// Go's `normalizeEscFn` over `equivEscapers`.
fn normalize_esc_fn(e: &str) -> &str {
    match e {
        "_html_template_attrescaper"
        | "_html_template_htmlescaper"
        | "_html_template_rcdataescaper" => "html",
        "_html_template_urlescaper" | "_html_template_urlnormalizer" => "urlquery",
        _ => e,
    }
}

/// Go's `redundantFuncs[a][b]`: `b(a(x)) == a(x)` for all `x`.
fn redundant(a: &str, b: &str) -> bool {
    match a {
        "_html_template_commentescaper" => {
            b == "_html_template_attrescaper" || b == "_html_template_htmlescaper"
        }
        "_html_template_cssescaper"
        | "_html_template_jsregexpescaper"
        | "_html_template_jsstrescaper"
        | "_html_template_jstmpllitescaper" => b == "_html_template_attrescaper",
        "_html_template_urlescaper" => b == "_html_template_urlnormalizer",
        _ => false,
    }
}

fn first_ident(cmd: &CommandNode) -> Option<&str> {
    match cmd.args.first() {
        Some(Arg::Identifier(id)) => Some(&id.ident),
        _ => None,
    }
}

/// Go's `newIdentCmd`.
fn ident_cmd(name: &str, pos: usize) -> CommandNode {
    CommandNode {
        pos: 0,
        args: vec![Arg::Identifier(IdentifierNode {
            pos,
            ident: name.to_string(),
        })],
    }
}

/// Go's `appendCmd`: appends unless redundant with the last command.
fn append_cmd(cmds: &mut Vec<CommandNode>, cmd: CommandNode) {
    if let (Some(last), Some(next)) = (cmds.last().and_then(first_ident), first_ident(&cmd))
        && redundant(last, next)
    {
        return;
    }
    cmds.push(cmd);
}

/// Go's `ensurePipelineContains`: makes the pipeline end with the escapers `s` in order,
/// merging a trailing predefined escaper (`html`, `urlquery`) with an equivalent one.
pub fn ensure_pipeline_contains(p: &mut PipeNode, s: &[&'static str]) {
    if s.is_empty() {
        return;
    }
    let mut s: Vec<String> = s.iter().map(|x| x.to_string()).collect();
    let pos = p.pos;
    let mut pipeline_len = p.cmds.len();
    let last_esc = p
        .cmds
        .last()
        .and_then(first_ident)
        .filter(|id| is_predefined_escaper(id))
        .map(str::to_string);
    if let Some(esc) = last_esc {
        let last_args = p.cmds.last().map_or(0, |c| c.args.len());
        if p.cmds.len() == 1 && last_args > 1 {
            // `{{html a b}}` becomes `{{_eval_args_ a b | html}}`.
            if let Some(Arg::Identifier(id)) = p.cmds[0].args.first_mut() {
                id.ident = "_eval_args_".to_string();
            }
            append_cmd(&mut p.cmds, ident_cmd(&esc, pos));
            pipeline_len += 1;
        }
        let mut dup = false;
        for name in s.iter_mut() {
            if normalize_esc_fn(&esc) == normalize_esc_fn(name) {
                *name = esc.clone();
                dup = true;
            }
        }
        if dup {
            pipeline_len -= 1;
        }
    }
    let mut new_cmds: Vec<CommandNode> = p.cmds.drain(..).take(pipeline_len).collect();
    let inserted: Vec<String> = new_cmds
        .iter()
        .filter_map(first_ident)
        .map(|id| normalize_esc_fn(id).to_string())
        .collect();
    for name in &s {
        if !inserted.iter().any(|i| i == normalize_esc_fn(name)) {
            append_cmd(&mut new_cmds, ident_cmd(name, pos));
        }
    }
    p.cmds = new_cmds;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{ListNode, Node, ParseOptions};

    fn pipe_of(src: &str) -> PipeNode {
        let trees = crate::parse::parse("t", src, "", "", ParseOptions::default(), &|_| true)
            .expect("parses");
        let tree = trees.get("t").expect("tree");
        first_action(&tree.root).expect("an action")
    }

    fn first_action(list: &ListNode) -> Option<PipeNode> {
        list.nodes.iter().find_map(|n| match n {
            Node::Action(a) => Some(a.pipe.clone()),
            _ => None,
        })
    }

    fn rewritten(src: &str, s: &[&'static str]) -> String {
        let mut p = pipe_of(src);
        ensure_pipeline_contains(&mut p, s);
        p.to_string()
    }

    #[test]
    fn appends_escapers() {
        assert_eq!(
            rewritten("{{.X}}", &["_html_template_htmlescaper"]),
            ".X | _html_template_htmlescaper"
        );
        assert_eq!(
            rewritten(
                "{{.X}}",
                &[
                    "_html_template_urlfilter",
                    "_html_template_urlnormalizer",
                    "_html_template_attrescaper"
                ]
            ),
            ".X | _html_template_urlfilter | _html_template_urlnormalizer | _html_template_attrescaper"
        );
        assert_eq!(rewritten("{{.X}}", &[]), ".X");
    }

    #[test]
    fn merges_predefined_escapers() {
        assert_eq!(
            rewritten("{{.X | html}}", &["_html_template_htmlescaper"]),
            ".X | html"
        );
        assert_eq!(
            rewritten("{{html .X .Y}}", &["_html_template_htmlescaper"]),
            "_eval_args_ .X .Y | html"
        );
        assert_eq!(
            rewritten(
                "{{.X | urlquery}}",
                &["_html_template_urlescaper", "_html_template_attrescaper"]
            ),
            ".X | urlquery | _html_template_attrescaper"
        );
        assert_eq!(
            rewritten("{{.X | html}}", &["_html_template_jsvalescaper"]),
            ".X | html | _html_template_jsvalescaper"
        );
    }

    #[test]
    fn skips_redundant_and_present_escapers() {
        assert_eq!(
            rewritten(
                "{{.X}}",
                &["_html_template_jsstrescaper", "_html_template_attrescaper"]
            ),
            ".X | _html_template_jsstrescaper"
        );
        assert_eq!(
            rewritten(
                "{{.X | _html_template_htmlescaper}}",
                &["_html_template_htmlescaper"]
            ),
            ".X | _html_template_htmlescaper"
        );
    }
}
