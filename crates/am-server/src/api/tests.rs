//! Handler-level tests: the real router over a real [`AlertStore`], [`SilencesHandle`],
//! [`Silencer`], routing tree, inhibitor and dispatcher; small fakes only for the app's traits.

mod fixture;
mod go_shapes;
mod perf;
mod v1_tests;
mod v2_tests;
