//! Messages and hints for unknown fields and values: the closest expected name ("did you
//! mean …?") and a table of well-known mistakes with specific advice. Go yaml.v2 only says
//! `field X not found in type Y`; the hints are alertmesh's own.

/// A mistake operators make often enough to deserve a specific hint.
struct KnownMistake {
    /// The unknown key as written.
    key: &'static str,
    /// Field names that must all be expected for the hint to apply; they identify the
    /// kind of block (an email config, a route, …) without knowing Rust type names.
    context: &'static [&'static str],
    /// The advice.
    hint: &'static str,
}

/// Add entries here; the first matching entry wins over the spelling suggestion.
const KNOWN_MISTAKES: &[KnownMistake] = &[
    KnownMistake {
        key: "subject",
        context: &["headers", "html"],
        hint: "the email subject is set with headers: {Subject: ...}",
    },
    KnownMistake {
        key: "body",
        context: &["headers", "html"],
        hint: "the message body is set with text: (plain text) or html:",
    },
    KnownMistake {
        key: "receivers",
        context: &["receiver", "group_by", "routes"],
        hint: "a route names a single receiver: use receiver:",
    },
    KnownMistake {
        key: "matcher",
        context: &["receiver", "group_by", "matchers"],
        hint: "route matchers are a list under matchers:",
    },
    KnownMistake {
        key: "route",
        context: &["receiver", "group_by", "routes"],
        hint: "child routes are a list under routes:",
    },
    KnownMistake {
        key: "to",
        context: &["webhook_configs", "email_configs"],
        hint: "receiver settings go inside an integration list such as email_configs: [{to: ...}]",
    },
];

/// Lowest Jaro-Winkler similarity for a "did you mean" suggestion.
const MIN_SIMILARITY: f64 = 0.8;

/// Message and hint for a key that is not a field of the expected block.
pub(crate) fn unknown_field(field: &str, expected: &[&str]) -> (String, Option<String>) {
    let message = format!("unknown field {field:?}");
    let known = KNOWN_MISTAKES
        .iter()
        .find(|m| m.key == field && m.context.iter().all(|c| expected.contains(c)));
    if let Some(mistake) = known {
        return (message, Some(mistake.hint.to_string()));
    }
    (
        message,
        closest(field, expected).map(|name| format!("did you mean {name:?}?")),
    )
}

/// Message and hint for a value that is not one of an enum's names.
pub(crate) fn unknown_variant(variant: &str, expected: &[&str]) -> (String, Option<String>) {
    let choices: Vec<String> = expected.iter().map(|e| format!("{e:?}")).collect();
    let message = if choices.is_empty() {
        format!("unknown value {variant:?}")
    } else {
        format!(
            "unknown value {variant:?}, expected one of {}",
            choices.join(", ")
        )
    };
    (
        message,
        closest(variant, expected).map(|name| format!("did you mean {name:?}?")),
    )
}

/// The expected name closest to `given`, when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(given: &str, expected: &[&'a str]) -> Option<&'a str> {
    let given = given.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for &candidate in expected {
        let score = strsim::jaro_winkler(&given, &candidate.to_lowercase());
        if score >= MIN_SIMILARITY && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &[&str] = &[
        "receiver",
        "group_by",
        "group_wait",
        "group_interval",
        "matchers",
        "routes",
    ];
    const EMAIL: &[&str] = &["to", "from", "headers", "html", "text", "smarthost"];

    #[test]
    fn spelling_suggestions() {
        assert_eq!(closest("group_wiat", ROUTE), Some("group_wait"));
        assert_eq!(closest("recevier", ROUTE), Some("receiver"));
        assert_eq!(closest("Group_By", ROUTE), Some("group_by"));
        assert_eq!(closest("zzz", ROUTE), None);
        let (msg, hint) = unknown_field("group_wiat", ROUTE);
        assert_eq!(msg, "unknown field \"group_wiat\"");
        assert_eq!(hint.as_deref(), Some("did you mean \"group_wait\"?"));
    }

    #[test]
    fn known_mistakes_need_their_context() {
        let (_, hint) = unknown_field("subject", EMAIL);
        assert_eq!(
            hint.as_deref(),
            Some("the email subject is set with headers: {Subject: ...}")
        );
        let (_, hint) = unknown_field("body", EMAIL);
        assert_eq!(
            hint.as_deref(),
            Some("the message body is set with text: (plain text) or html:")
        );
        let (_, hint) = unknown_field("subject", ROUTE);
        assert_eq!(hint, None);
    }

    #[test]
    fn variants() {
        let (msg, hint) = unknown_variant("POTS", &["GET", "POST"]);
        assert_eq!(
            msg,
            "unknown value \"POTS\", expected one of \"GET\", \"POST\""
        );
        assert_eq!(hint.as_deref(), Some("did you mean \"POST\"?"));
    }
}
