//! (being written) upstream package `inhibit`.
