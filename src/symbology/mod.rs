//! Style: what each feature looks like, and the page theme.

pub mod theme;
