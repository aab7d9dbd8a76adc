//! Predicting the change instead of the level: the standard remedy when validation and test
//! lie beyond the training range (a trend). A network trained on the change from one row to
//! the next (or its percentage) sees values in a range that does not drift, and the forecast
//! of a level is rebuilt from the last known level plus the predicted change.

use serde::{Deserialize, Serialize};

/// What a run predicts of a column: its value, or its change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The value itself.
    #[default]
    Level,
    /// `v[r] - v[r - lag]`.
    Difference,
    /// `100 (v[r] / v[r - lag] - 1)`.
    Percent,
}

impl Change {
    pub const ALL: [Change; 3] = [Change::Level, Change::Difference, Change::Percent];

    /// The level a `change` of this kind leads to from the level `base` (for `Level`, the
    /// value itself).
    pub fn level_from(self, base: f64, change: f64) -> f64 {
        match self {
            Change::Level => change,
            Change::Difference => base + change,
            Change::Percent => base * (1.0 + change / 100.0),
        }
    }

    /// Its name's catalogue key.
    pub const fn key(self) -> &'static str {
        match self {
            Change::Level => "change.level",
            Change::Difference => "change.difference",
            Change::Percent => "change.percent",
        }
    }
}

/// Why a column's change cannot be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChangeError {
    #[error("column “{column}” is 0 at row {row}: its percentage change is undefined there; use the difference instead")]
    Zero { column: String, row: usize },
    #[error("a change over {lag} rows needs more than {lag} rows")]
    TooShort { lag: usize },
}

impl From<ChangeError> for crate::i18n::Text {
    fn from(e: ChangeError) -> Self {
        use crate::i18n::Text;
        match e {
            ChangeError::Zero { column, row } => {
                Text::with("err.change.zero", &[("column", &column), ("row", &row)])
            }
            ChangeError::TooShort { lag } => Text::with("err.change.too_short", &[("lag", &lag)]),
        }
    }
}

/// `v`'s change over `lag` rows, for rows `lag..` (the first `lag` rows have none).
pub fn changes(column: &str, v: &[f64], lag: usize, how: Change) -> Result<Vec<f64>, ChangeError> {
    if v.len() <= lag || lag == 0 {
        return Err(ChangeError::TooShort { lag });
    }
    (lag..v.len())
        .map(|r| {
            let (now, then) = (v[r], v[r - lag]);
            match how {
                Change::Level => Ok(now),
                Change::Difference => Ok(now - then),
                Change::Percent if then == 0.0 => Err(ChangeError::Zero {
                    column: column.to_string(),
                    row: r - lag + 1,
                }),
                Change::Percent => Ok(100.0 * (now / then - 1.0)),
            }
        })
        .collect()
}

/// How to turn a predicted change back into a level: the level each kept row's change was
/// taken from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rebuild {
    pub how: Change,
    /// Per kept row, the level `lag` rows before it (known when its window ends).
    pub base: Vec<f64>,
}

impl Rebuild {
    /// The level at kept row `row` from a predicted `change`.
    pub fn level(&self, row: usize, change: f64) -> f64 {
        let base = self.base.get(row).copied().unwrap_or(f64::NAN);
        self.how.level_from(base, change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change and its rebuild are inverses: the level is recovered from its base.
    #[test]
    fn changes_rebuild_the_levels_they_came_from() {
        let v = [100.0, 102.0, 105.0, 103.0, 110.0];
        for how in Change::ALL {
            for lag in [1, 2] {
                let c = changes("v", &v, lag, how).unwrap();
                assert_eq!(c.len(), v.len() - lag);
                let r = Rebuild {
                    how,
                    base: v[..v.len() - lag].to_vec(),
                };
                for (k, &ch) in c.iter().enumerate() {
                    assert!(
                        (r.level(k, ch) - v[k + lag]).abs() < 1e-12,
                        "{how:?} {lag} {k}"
                    );
                }
            }
        }
        assert_eq!(
            changes("v", &v, 1, Change::Difference).unwrap(),
            [2.0, 3.0, -2.0, 7.0]
        );
        assert_eq!(
            changes("v", &v, 2, Change::Percent).unwrap()[0],
            5.000000000000004
        );
    }

    #[test]
    fn a_percentage_of_zero_and_too_short_a_column_say_why() {
        let e = changes("load", &[1.0, 0.0, 2.0], 1, Change::Percent).unwrap_err();
        assert_eq!(
            e,
            ChangeError::Zero {
                column: "load".into(),
                row: 2
            }
        );
        assert!(e.to_string().contains("difference instead"));
        assert_eq!(
            changes("v", &[1.0], 1, Change::Difference),
            Err(ChangeError::TooShort { lag: 1 })
        );
    }
}
