//! (being written) upstream package `nflog`.
