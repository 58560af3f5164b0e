//! (being written) upstream package `provider`.
