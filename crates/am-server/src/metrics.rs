//! (being written) the metrics registry.
