//! Style: what each feature looks like ([`rules`]: a rule per visual channel, resolved per
//! feature), the legend blocks made from the same rules ([`legend`]), and the page theme.

pub mod legend;
pub mod rules;
pub mod scale;
pub mod size;
mod size_rule;
pub mod theme;
