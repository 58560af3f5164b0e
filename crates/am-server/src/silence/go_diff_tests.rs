//! Differential tests against Go Alertmanager 0.25: snapshot files in both directions.
