//! (being written) upstream package `dispatch`.
