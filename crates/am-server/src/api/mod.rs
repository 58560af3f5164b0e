//! (being written) upstream package `api`.
