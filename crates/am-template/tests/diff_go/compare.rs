//! Reference outcomes, corpus consistency checks and the mismatch report of the differential
//! suite (no upstream counterpart: test infrastructure only).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use super::cases::{Case, ErrorMode, Expect};

/// The result of rendering one case.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Outcome {
    /// Rendering succeeded.
    pub ok: bool,
    /// Output (meaningful when `ok`).
    pub output: String,
    /// Error text (meaningful when not `ok`).
    pub error: String,
}

impl Outcome {
    /// A successful rendering.
    pub fn ok(output: String) -> Outcome {
        Outcome {
            ok: true,
            output,
            error: String::new(),
        }
    }

    /// A failed rendering.
    pub fn err(error: String) -> Outcome {
        Outcome {
            ok: false,
            output: String::new(),
            error,
        }
    }

    /// What the outcome is about: the output or the error text.
    fn key(&self) -> (bool, &str) {
        (self.ok, if self.ok { &self.output } else { &self.error })
    }

    fn from_expect(e: &Expect) -> Result<Outcome, String> {
        match (&e.output, &e.error) {
            (Some(o), None) => Ok(Outcome::ok(o.join())),
            (None, Some(err)) => Ok(Outcome::err(err.clone())),
            _ => Err("an expectation needs exactly one of output and error".to_owned()),
        }
    }
}

/// One line of the Go oracle's answer.
#[derive(Debug, Deserialize)]
pub struct GoReply {
    /// Case id.
    pub name: String,
    /// Debian's 0.25 rendering.
    #[serde(flatten)]
    pub v025: Outcome,
    /// The 0.28 rendering (0.25 package plus 0.28's stdlib functions and data Stringers).
    pub v028: Outcome,
}

/// Works out the reference outcome for `case` from the oracle's reply, checking the case's
/// annotations against what the oracle did. Problems are corpus errors, not engine bugs.
pub fn reference(case: &Case, reply: &GoReply) -> Result<Outcome, Vec<String>> {
    let mut problems = Vec::new();
    for o in [&reply.v025, &reply.v028] {
        if !o.ok && o.error.starts_with("oracle") {
            problems.push(format!("the oracle could not run the case: {}", o.error));
        }
    }
    let differs = reply.v025.key() != reply.v028.key();
    let reference = if let Some(no) = &case.no_oracle {
        if no.reason.trim().is_empty() {
            problems.push("no_oracle needs a reason".to_owned());
        }
        if let Some(local) = &no.local {
            match Outcome::from_expect(local) {
                Ok(l) if l.ok && reply.v025.key() != l.key() => problems.push(format!(
                    "no_oracle.local says Go 0.25 renders {:?}, it gave {}",
                    l.output,
                    show(&reply.v025)
                )),
                Ok(l) if !l.ok && (reply.v025.ok || !reply.v025.error.starts_with(&l.error)) => {
                    problems.push(format!(
                        "no_oracle.local says Go 0.25 fails with {:?}..., it gave {}",
                        l.error,
                        show(&reply.v025)
                    ));
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("no_oracle.local: {e}")),
            }
        }
        match Outcome::from_expect(&no.expect) {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("no_oracle.expect: {e}"));
                Outcome::default()
            }
        }
    } else {
        match (&case.am028, differs) {
            (Some(reason), false) => problems.push(format!(
                "marked am028 ({reason}) but 0.25 and 0.28 render the same"
            )),
            (Some(reason), true) if reason.trim().is_empty() => {
                problems.push("am028 needs a reason".to_owned());
            }
            (None, true) => problems.push(format!(
                "0.25 and 0.28 differ but the case has no am028 reason: 0.25 {} / 0.28 {}",
                show(&reply.v025),
                show(&reply.v028)
            )),
            _ => {}
        }
        let mut reference = reply.v028.clone();
        if let Some(fl) = &case.from_local {
            if !reference.ok {
                problems.push("from_local needs a successful oracle rendering".to_owned());
            }
            for (from, to) in &fl.replace {
                let n = reference.output.matches(from.as_str()).count();
                if n != 1 {
                    problems.push(format!("from_local: {from:?} occurs {n} times, not once"));
                }
                reference.output = reference.output.replacen(from.as_str(), to, 1);
            }
        }
        reference
    };
    if let Some(fails) = case.go_fails
        && fails == reference.ok
    {
        problems.push(format!(
            "go_fails is {fails} but the reference is {}",
            show(&reference)
        ));
    }
    if problems.is_empty() {
        Ok(reference)
    } else {
        Err(problems)
    }
}

/// The `template: NAME:LINE[:COL]:` location at the start of a Go error text, or, without
/// one, the text before the first `{`.
pub fn error_location(msg: &str) -> &str {
    let rest = msg
        .strip_prefix("template: ")
        .or_else(|| msg.strip_prefix("html/template:"));
    if let Some(rest) = rest
        && let Some(colon) = rest.find(':')
    {
        let after_name = &rest[colon + 1..];
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let line = digits(after_name);
        if line > 0 && after_name.as_bytes().get(line) == Some(&b':') {
            let mut end = colon + 1 + line + 1;
            let col = digits(&rest[end..]);
            if col > 0 && rest.as_bytes().get(end + col) == Some(&b':') {
                end += col + 1;
            }
            let consumed = msg.len() - rest.len();
            return &msg[..consumed + end];
        }
    }
    msg.split('{').next().unwrap_or(msg)
}

/// Why our outcome differs from the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Go succeeded, we failed.
    WeFail,
    /// Go failed, we succeeded.
    WeSucceed,
    /// Both succeeded with different output.
    Output,
    /// Both failed with different error texts.
    ErrorText,
    /// Our implementation panicked.
    Panic,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::WeFail => "go ok, ours failed",
            Kind::WeSucceed => "go failed, ours ok",
            Kind::Output => "output differs",
            Kind::ErrorText => "error text differs",
            Kind::Panic => "ours panicked",
        }
    }
}

/// Compares our outcome with the reference; `None` when they agree.
pub fn compare(mode: ErrorMode, reference: &Outcome, ours: &Outcome) -> Option<Kind> {
    match (reference.ok, ours.ok) {
        (true, true) if reference.output == ours.output => None,
        (true, true) => Some(Kind::Output),
        (true, false) => Some(Kind::WeFail),
        (false, true) => Some(Kind::WeSucceed),
        (false, false) => {
            let same = match mode {
                ErrorMode::Exact => reference.error == ours.error,
                ErrorMode::Prefix => {
                    let loc = error_location(&reference.error);
                    ours.error.starts_with(loc)
                }
                ErrorMode::Message => {
                    let theirs = &reference.error[error_location(&reference.error).len()..];
                    let mine = &ours.error[error_location(&ours.error).len()..];
                    theirs == mine
                }
                ErrorMode::Any => true,
            };
            (!same).then_some(Kind::ErrorText)
        }
    }
}

/// A case whose outcome differs.
#[derive(Debug)]
pub struct Mismatch {
    /// Case id.
    pub id: String,
    /// Group.
    pub group: String,
    /// Why.
    pub kind: Kind,
    /// The reference.
    pub reference: Outcome,
    /// Ours.
    pub ours: Outcome,
}

fn show(o: &Outcome) -> String {
    if o.ok {
        format!("ok {:?}", o.output)
    } else {
        format!("error {:?}", o.error)
    }
}

/// Shortens `s` to at most `max` characters (Debug-escaped), keeping the part around `at`.
fn excerpt(s: &str, at: usize, full: bool) -> String {
    const BEFORE: usize = 40;
    const AFTER: usize = 120;
    if full || s.chars().count() <= BEFORE + AFTER {
        return format!("{s:?}");
    }
    let chars: Vec<char> = s.chars().collect();
    let at = at.min(chars.len());
    let start = at.saturating_sub(BEFORE);
    let end = (at + AFTER).min(chars.len());
    let mid: String = chars[start..end].iter().collect();
    format!(
        "{}{mid:?}{} ({} chars)",
        if start > 0 { "…" } else { "" },
        if end < chars.len() { "…" } else { "" },
        chars.len()
    )
}

/// Index (in chars) of the first difference between `a` and `b`.
fn first_difference(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn side(o: &Outcome, other: &Outcome, full: bool) -> String {
    let (text, other_text) = if o.ok {
        (&o.output, &other.output)
    } else {
        (&o.error, &other.error)
    };
    let at = if o.ok == other.ok {
        first_difference(text, other_text)
    } else {
        0
    };
    format!(
        "{} {}",
        if o.ok { "ok   " } else { "error" },
        excerpt(text, at, full)
    )
}

/// The report: a per-group summary (with the group's owner hint), a per-kind summary, then
/// every mismatch. `total_by_group` maps a group to (owner hint, number of cases).
pub fn report(
    total_by_group: &BTreeMap<String, (String, usize)>,
    mismatches: &[Mismatch],
    full: bool,
) -> String {
    let total: usize = total_by_group.values().map(|(_, n)| n).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "am-template vs Go: {}/{} cases match ({} mismatches)",
        total - mismatches.len(),
        total,
        mismatches.len()
    );
    let mut failing_by_group: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for m in mismatches {
        *failing_by_group.entry(m.group.as_str()).or_default() += 1;
        *by_kind.entry(m.kind).or_default() += 1;
    }
    let _ = writeln!(out, "\n{:<22} {:>9}  owner", "group", "match");
    for (group, (owner, n)) in total_by_group {
        let bad = failing_by_group.get(group.as_str()).copied().unwrap_or(0);
        let _ = writeln!(out, "{group:<22} {:>4}/{n:<4}  {owner}", n - bad);
    }
    if !by_kind.is_empty() {
        let _ = writeln!(out);
        for (kind, n) in &by_kind {
            let _ = writeln!(out, "{:<22} {n}", kind.label());
        }
        let _ = writeln!(out, "\n--- mismatches (reference = Go) ---");
    }
    for m in mismatches {
        let _ = writeln!(out, "{} [{}]", m.id, m.kind.label());
        let _ = writeln!(out, "  go:   {}", side(&m.reference, &m.ours, full));
        let _ = writeln!(out, "  ours: {}", side(&m.ours, &m.reference, full));
    }
    out
}

#[test]
fn error_location_finds_go_prefixes() {
    assert_eq!(
        error_location("template: :1: unexpected EOF"),
        "template: :1:"
    );
    assert_eq!(
        error_location("template: a.tmpl:3:12: executing \"a\" at <.X>: boom"),
        "template: a.tmpl:3:12:"
    );
    assert_eq!(
        error_location("html/template::1:6: no such template \"x\""),
        "html/template::1:6:"
    );
    assert_eq!(
        error_location("html/template: ends in a non-text context: {stateURL}"),
        "html/template: ends in a non-text context: "
    );
    assert_eq!(
        error_location("syntax error in pattern"),
        "syntax error in pattern"
    );
}

#[test]
fn compare_modes() {
    let go = Outcome::err("template: :1:3: executing \"\" at <x>: go words".to_owned());
    let ours = Outcome::err("template: :1:3: executing \"\" at <x>: our words".to_owned());
    assert_eq!(compare(ErrorMode::Exact, &go, &ours), Some(Kind::ErrorText));
    assert_eq!(compare(ErrorMode::Prefix, &go, &ours), None);
    let elsewhere = Outcome::err("template: :2:3: executing".to_owned());
    assert_eq!(
        compare(ErrorMode::Prefix, &go, &elsewhere),
        Some(Kind::ErrorText)
    );
    assert_eq!(compare(ErrorMode::Any, &go, &elsewhere), None);
    let moved = Outcome::err("template: :9:1: executing \"\" at <x>: go words".to_owned());
    assert_eq!(compare(ErrorMode::Message, &go, &moved), None);
    assert_eq!(
        compare(ErrorMode::Message, &go, &ours),
        Some(Kind::ErrorText)
    );
    assert_eq!(
        compare(ErrorMode::Any, &go, &Outcome::ok(String::new())),
        Some(Kind::WeSucceed)
    );
    assert_eq!(
        compare(
            ErrorMode::Exact,
            &Outcome::ok("a".into()),
            &Outcome::ok("b".into())
        ),
        Some(Kind::Output)
    );
}
