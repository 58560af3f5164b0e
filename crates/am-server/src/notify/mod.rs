//! (being written) upstream package `notify`.
