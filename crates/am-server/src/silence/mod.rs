//! (being written) upstream package `silence`.
