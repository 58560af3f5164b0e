//! Notification errors: [`NotifyError`] (what an integration's attempt returns: a message,
//! whether another attempt may succeed, and the `reason` label of
//! `alertmanager_notifications_failed_total`) and [`Reason`]. Mirrors upstream
//! `notify/util.go` (v0.28: `Retrier`, `ErrorWithReason`, `Reason`,
//! `GetFailureReasonFromStatusCode`) and the `(bool, error)` result of `Notifier.Notify`.

use std::fmt;

/// Failure category, the `reason` label of `alertmanager_notifications_failed_total`
/// (upstream `notify.Reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Anything without a more specific category (`other`).
    Other,
    /// The receiver answered 4xx (`clientError`).
    ClientError,
    /// The receiver answered 5xx (`serverError`).
    ServerError,
    /// The pipeline was cancelled (`contextCanceled`).
    ContextCanceled,
    /// The flush deadline passed before any attempt failed (`contextDeadlineExceeded`).
    ContextDeadlineExceeded,
}

impl Reason {
    /// Every reason, in upstream's pre-registration order.
    pub const ALL: [Reason; 5] = [
        Reason::Other,
        Reason::ClientError,
        Reason::ServerError,
        Reason::ContextCanceled,
        Reason::ContextDeadlineExceeded,
    ];

    /// The label value (`other`, `clientError`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Other => "other",
            Reason::ClientError => "clientError",
            Reason::ServerError => "serverError",
            Reason::ContextCanceled => "contextCanceled",
            Reason::ContextDeadlineExceeded => "contextDeadlineExceeded",
        }
    }

    /// Upstream `GetFailureReasonFromStatusCode`: 4xx → client error, 5xx → server error.
    pub fn from_status(status: u16) -> Reason {
        match status / 100 {
            4 => Reason::ClientError,
            5 => Reason::ServerError,
            _ => Reason::Other,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed notification attempt.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotifyError {
    /// What went wrong (no URLs of secret endpoints).
    pub message: String,
    /// Whether a later attempt may succeed (upstream's `retry` result).
    pub retryable: bool,
    /// The metrics category.
    pub reason: Reason,
}

impl NotifyError {
    /// An error that another attempt may fix, with reason `other`.
    pub fn retryable(message: impl Into<String>) -> NotifyError {
        NotifyError {
            message: message.into(),
            retryable: true,
            reason: Reason::Other,
        }
    }

    /// An error no retry can fix, with reason `other`.
    pub fn fatal(message: impl Into<String>) -> NotifyError {
        NotifyError {
            message: message.into(),
            retryable: false,
            reason: Reason::Other,
        }
    }

    /// The same error with another reason.
    pub fn with_reason(mut self, reason: Reason) -> NotifyError {
        self.reason = reason;
        self
    }
}

/// Upstream `notify.Retrier.Check`: `Ok` for 2xx; otherwise an error
/// `unexpected status code N[: details]` that is retryable for 5xx and for the extra
/// `retry_codes` of the integration (none for webhooks), with the reason of the status class.
pub fn check_status(status: u16, retry_codes: &[u16], details: &str) -> Result<(), NotifyError> {
    if status / 100 == 2 {
        return Ok(());
    }
    let retryable = status / 100 == 5 || retry_codes.contains(&status);
    let mut message = format!("unexpected status code {status}");
    if !details.is_empty() {
        message.push_str(": ");
        message.push_str(details);
    }
    Err(NotifyError {
        message,
        retryable,
        reason: Reason::from_status(status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table() {
        assert_eq!(check_status(200, &[], "x"), Ok(()));
        assert_eq!(check_status(204, &[], ""), Ok(()));
        let e = check_status(500, &[], "boom").unwrap_err();
        assert_eq!(e.message, "unexpected status code 500: boom");
        assert!(e.retryable);
        assert_eq!(e.reason, Reason::ServerError);
        let e = check_status(503, &[], "").unwrap_err();
        assert_eq!(e.message, "unexpected status code 503");
        assert!(e.retryable);
        let e = check_status(429, &[], "").unwrap_err();
        assert!(!e.retryable);
        assert_eq!(e.reason, Reason::ClientError);
        assert!(check_status(429, &[429], "").unwrap_err().retryable);
        let e = check_status(302, &[], "").unwrap_err();
        assert!(!e.retryable);
        assert_eq!(e.reason, Reason::Other);
    }

    #[test]
    fn reason_labels() {
        let labels: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            labels,
            [
                "other",
                "clientError",
                "serverError",
                "contextCanceled",
                "contextDeadlineExceeded"
            ]
        );
    }
}
