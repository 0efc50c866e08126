//! Small text rules used across the crate and by the adapters, each in one place.
