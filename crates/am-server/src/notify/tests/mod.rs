//! Tests of the pipeline, the retry stage and the webhook payload.
