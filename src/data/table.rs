//! CSV files in: parsing (with the `csv` crate), delimiter and header sniffing, column typing,
//! missing cells, choosing one series of a multi-series file, and a specific message for
//! every kind of bad file. Nothing here panics on any input.

use crate::i18n::Text;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

mod read;
pub use read::Reading;

/// Files larger than this are refused with a message (memory stays proportional to the data;
/// an 850,000-row OHLCV file is about 60 MB).
pub const MAX_BYTES: usize = 120 * 1024 * 1024;

/// Files with more columns than this are refused with a message: a run chooses among a
/// file's columns in the page, and a wider file is almost always one turned on its side.
pub const MAX_COLUMNS: usize = 10_000;

/// What to do with empty cells in numeric columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Repeat the last value seen (leading gaps take the first value). The default: it keeps
    /// the time spacing of the series, which windows rely on.
    #[default]
    ForwardFill,
    /// Drop every row that has an empty numeric cell.
    DropRows,
}

/// Keep only the rows whose `column` equals `value` (e.g. one stock of a file with a `symbol`
/// column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesFilter {
    pub column: String,
    pub value: String,
}

/// How to read a file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsvOptions {
    pub missing: MissingPolicy,
    pub series: Option<SeriesFilter>,
}

/// What a non-numeric column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// Dates or times: kept as x-axis labels.
    Date,
    /// Other text (names, symbols): kept as labels, possibly a series key.
    Text,
}

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Finite numbers (after missing cells were handled).
    Numeric(Vec<f64>),
    /// Labels, interned: `dict[codes[row]]` is the cell's text.
    Labels {
        kind: LabelKind,
        codes: Vec<u32>,
        dict: Vec<String>,
    },
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

impl Column {
    /// The numbers, if the column is numeric.
    pub fn numbers(&self) -> Option<&[f64]> {
        match &self.data {
            ColumnData::Numeric(v) => Some(v),
            ColumnData::Labels { .. } => None,
        }
    }

    /// The text of row `row`, for label columns.
    pub fn label(&self, row: usize) -> Option<&str> {
        match &self.data {
            ColumnData::Labels { codes, dict, .. } => {
                codes.get(row).map(|&c| dict[c as usize].as_str())
            }
            ColumnData::Numeric(_) => None,
        }
    }
}

/// A parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: usize,
    /// The delimiter found: `,`, `;` or tab.
    pub delimiter: u8,
    /// Whether the first line was taken as column names.
    pub has_header: bool,
    /// What was done on the way in (filled cells, dropped rows, chosen series), for the page.
    pub notes: Vec<Text>,
}

/// What the page shows of a table read with options. The training worker keeps the table
/// (a file near the size limit is read there) and sends the page this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSummary {
    pub rows: usize,
    pub columns: Vec<String>,
    /// The numeric columns (the candidates for features and target).
    pub numeric: Vec<String>,
    /// The first column that looks like a series key, with its values (the series picker).
    pub series: Option<(String, Vec<String>)>,
    /// The first rows as text.
    pub preview: Vec<Vec<String>>,
    pub notes: Vec<Text>,
    /// The date column's text per row, or a year (and quarter or month) column's: the
    /// chart's x-axis labels (see [`Table::time_labels`]).
    pub date_labels: Option<Vec<String>>,
    /// The column to predict unless the learner picks another (see
    /// [`Table::default_target`]).
    pub default_target: Option<String>,
}

/// Why a file could not be loaded. Messages name the line and column and say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    Empty,
    TooLarge {
        bytes: usize,
    },
    TooManyColumns {
        columns: usize,
    },
    Binary,
    InvalidUtf8 {
        line: usize,
    },
    HeaderOnly,
    OneRow,
    Ragged {
        line: u64,
        found: usize,
        expected: usize,
    },
    DuplicateHeader {
        name: String,
        first: usize,
        second: usize,
    },
    /// A number beyond what the model's 32-bit floats hold.
    OutOfRange {
        line: u64,
        column: String,
        value: String,
    },
    NotFinite {
        line: u64,
        column: String,
        value: String,
    },
    TextInNumeric {
        line: u64,
        column: String,
        value: String,
    },
    SingleTextColumn(String),
    NoNumericColumn(String),
    SeriesNotFound {
        column: String,
        value: String,
    },
    NotASeriesColumn(String),
    NothingLeft,
    Syntax {
        line: u64,
        message: String,
    },
}

/// The message says what is wrong and what to do, in the page's language.
impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl From<CsvError> for Text {
    fn from(e: CsvError) -> Text {
        e.text()
    }
}

impl CsvError {
    /// What is wrong and what to do, as a message worded when shown.
    pub fn text(&self) -> Text {
        match self {
            CsvError::Empty => Text::new("err.csv.empty"),
            CsvError::TooLarge { bytes } => Text::with(
                "err.csv.too_large",
                &[
                    ("mb", &format!("{:.1}", *bytes as f64 / 1_048_576.0)),
                    ("limit", &(MAX_BYTES / 1_048_576)),
                ],
            ),
            CsvError::TooManyColumns { columns } => Text::with(
                "err.csv.too_many_columns",
                &[("columns", columns), ("limit", &MAX_COLUMNS)],
            ),
            CsvError::Binary => Text::new("err.csv.binary"),
            CsvError::InvalidUtf8 { line } => Text::with("err.csv.utf8", &[("line", line)]),
            CsvError::HeaderOnly => Text::new("err.csv.header_only"),
            CsvError::OneRow => Text::new("err.csv.one_row"),
            CsvError::Ragged {
                line,
                found,
                expected,
            } => Text::with(
                "err.csv.ragged",
                &[("line", line), ("found", found), ("expected", expected)],
            ),
            CsvError::DuplicateHeader {
                name,
                first,
                second,
            } => Text::with(
                "err.csv.duplicate",
                &[("name", name), ("first", first), ("second", second)],
            ),
            CsvError::OutOfRange {
                line,
                column,
                value,
            } => Text::with(
                "err.csv.out_of_range",
                &[("line", line), ("column", column), ("value", value)],
            ),
            CsvError::NotFinite {
                line,
                column,
                value,
            } => Text::with(
                "err.csv.not_finite",
                &[("line", line), ("column", column), ("value", value)],
            ),
            CsvError::TextInNumeric {
                line,
                column,
                value,
            } => Text::with(
                "err.csv.text_in_numeric",
                &[("line", line), ("column", column), ("value", value)],
            ),
            CsvError::SingleTextColumn(c) => Text::with("err.csv.single_text", &[("column", c)]),
            CsvError::NoNumericColumn(c) => Text::with("err.csv.no_numeric", &[("columns", c)]),
            CsvError::SeriesNotFound { column, value } => Text::with(
                "err.csv.series_not_found",
                &[("column", column), ("value", value)],
            ),
            CsvError::NotASeriesColumn(c) => Text::with("err.csv.not_series", &[("column", c)]),
            CsvError::NothingLeft => Text::new("err.csv.nothing_left"),
            CsvError::Syntax { line, message } => {
                Text::with("err.csv.syntax", &[("line", line), ("message", message)])
            }
        }
    }
}

impl std::error::Error for CsvError {}

/// The largest magnitude a numeric cell may hold: the model computes in f32, whose largest
/// finite value this is (1e39 would be infinite in it, and every step would diverge).
pub const MAX_VALUE: f64 = f32::MAX as f64;

/// Parses `bytes` as a CSV file and reads it with `opts` (in one go: the worker reads a
/// large file a slice at a time with [`Reading`], then applies options with
/// [`Table::with_options`], keeping the file read once).
pub fn parse_csv(bytes: &[u8], opts: &CsvOptions) -> Result<Table, CsvError> {
    read_csv(bytes)?.with_options(opts)
}

/// Reads `bytes` as a CSV file, with no options applied (missing cells are NaN).
pub fn read_csv<B: AsRef<[u8]>>(bytes: B) -> Result<Table, CsvError> {
    Reading::start(bytes)?.read_to_end()
}

/// Why a file with no data rows is refused: only a header, or nothing at all.
fn no_rows(has_header: bool) -> CsvError {
    if has_header {
        CsvError::HeaderOnly
    } else {
        CsvError::Empty
    }
}

/// A table needs at least two rows (one window and its target).
fn enough_rows(rows: usize, has_header: bool) -> Result<(), CsvError> {
    match rows {
        0 => Err(no_rows(has_header)),
        1 => Err(CsvError::OneRow),
        _ => Ok(()),
    }
}

impl Table {
    /// The table read with `opts`: one series kept, missing cells filled or their rows
    /// dropped, with notes saying what was done. The table itself stays as read.
    pub fn with_options(&self, opts: &CsvOptions) -> Result<Table, CsvError> {
        let mut columns = self.columns.clone();
        let mut rows = self.rows;
        let mut notes = Vec::new();
        if let Some(filter) = &opts.series {
            rows = select_series(&mut columns, filter)?;
            notes.push(Text::with(
                "csv.note_series",
                &[
                    ("rows", &rows),
                    ("column", &filter.column),
                    ("value", &filter.value),
                ],
            ));
        }
        enough_rows(rows, self.has_header)?;
        let missing: usize = columns
            .iter()
            .filter_map(Column::numbers)
            .map(|v| v.iter().filter(|x| x.is_nan()).count())
            .sum();
        if missing > 0 {
            rows = fill_missing(&mut columns, opts.missing, rows)?;
            notes.push(match opts.missing {
                MissingPolicy::ForwardFill => {
                    Text::with("csv.note_filled", &[("missing", &missing)])
                }
                MissingPolicy::DropRows => Text::with("csv.note_dropped", &[("rows", &rows)]),
            });
            if rows < 2 {
                return Err(CsvError::OneRow);
            }
        }
        Ok(Table {
            columns,
            rows,
            delimiter: self.delimiter,
            has_header: self.has_header,
            notes,
        })
    }
}

fn syntax(e: csv::Error) -> CsvError {
    let line = e.position().map_or(0, |p| p.line());
    CsvError::Syntax {
        line,
        message: e.to_string(),
    }
}

/// The delimiter among `,`, `;` and tab that splits the first lines into the same number of
/// fields (more than one), counting only outside quotes. Comma when nothing fits.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |line: &str, d: char| {
        let mut quoted = false;
        line.chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    let mut best = (b',', 0usize, 0usize); // delimiter, lines agreeing, fields
    for d in [',', ';', '\t'] {
        let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&c| c == first).count();
        if (agreeing, first) > (best.1, best.2) {
            best = (d as u8, agreeing, first);
        }
    }
    best.0
}

/// Parses a number; with `;` as delimiter a single decimal comma is accepted ("3,14").
fn parse_number(cell: &str, delimiter: u8) -> Option<f64> {
    cell.parse::<f64>().ok().or_else(|| {
        (delimiter == b';' && cell.matches(',').count() == 1)
            .then(|| cell.replace(',', ".").parse().ok())
            .flatten()
    })
}

/// The first record is a header when some field is not a number and the next record has
/// more numeric fields (or there is no next record and nothing in it is numeric).
fn looks_like_header(first: &csv::StringRecord, second: Option<&csv::StringRecord>) -> bool {
    let numeric =
        |r: &csv::StringRecord| r.iter().filter(|c| parse_number(c, b';').is_some()).count();
    let n1 = numeric(first);
    match second {
        Some(s) => n1 < first.len() && numeric(s) > n1,
        None => n1 == 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Numeric,
    Labels(LabelKind),
}

/// A column is numeric when most of its non-empty sampled cells parse as numbers (the
/// others are then reported by line, as are non-finite ones), a date column when every one
/// looks like a date or time, text otherwise.
fn column_kind<'a>(cells: impl Iterator<Item = &'a str> + Clone) -> Kind {
    let filled = cells.filter(|c| !c.is_empty());
    let total = filled.clone().count();
    let numeric = filled
        .clone()
        .filter(|c| parse_number(c, b';').is_some())
        .count();
    if numeric * 2 > total && (numeric >= 2 || numeric == total) {
        Kind::Numeric
    } else if filled.clone().all(looks_like_date) {
        Kind::Labels(LabelKind::Date)
    } else {
        Kind::Labels(LabelKind::Text)
    }
}

/// Dates and times such as 2024-01-31, 31/01/2024, 2024-01-31 13:45, 13:45:00, and dates
/// with the month's English name: Jan-1-1995, 1-Jan-1995, January 1, 1995, Mar 2020.
pub fn looks_like_date(s: &str) -> bool {
    numeric_date(s) || month_name_date(s)
}

/// A date of digits and separators: 2024-01-31, 31/01/2024, 2024-01-31 13:45, 13:45:00.
fn numeric_date(s: &str) -> bool {
    let seps = s
        .chars()
        .filter(|c| matches!(c, '-' | '/' | '.' | ':'))
        .count();
    (5..=30).contains(&s.len())
        && seps >= 1
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | ':' | ' ' | 'T' | 'Z' | '+')
        })
        && s.parse::<f64>().is_err()
        && s.chars().filter(|c| c.is_ascii_digit()).count() >= 4
}

/// A date with the month's English name, full or in three letters, beside a day and a year
/// or a year alone: Jan-1-1995, 1-Jan-1995, January 1, 1995, Mar 2020, 03-Mar-21.
fn month_name_date(s: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if s.len() > 30 {
        return false;
    }
    let parts: Vec<&str> = s
        .split(['-', '/', ' ', ',', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let is_month = |p: &str| {
        let p = p.to_ascii_lowercase();
        p.len() >= 3
            && MONTHS
                .iter()
                .any(|m| m.starts_with(&p) && (p.len() == 3 || *m == p))
    };
    let months = parts.iter().filter(|p| is_month(p)).count();
    let numbers: Vec<&&str> = parts.iter().filter(|p| !is_month(p)).collect();
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit());
    months == 1
        && (1..=2).contains(&numbers.len())
        && numbers.iter().all(|p| digits(p))
        && numbers.iter().any(|p| p.len() == 4 || numbers.len() == 2)
}

/// Whether `v` only counts up: every value a whole number, each above the one before (a
/// 1..N index, a time stamp, a year per row).
fn counts_up(v: &[f64]) -> bool {
    v.len() >= 2 && v.iter().all(|x| x.fract() == 0.0) && v.windows(2).all(|w| w[1] > w[0])
}

/// Whether `v` is a year per row: whole numbers from 1000 to 2999, never falling (a
/// quarterly table repeats each year four times).
fn years(v: &[f64]) -> bool {
    v.len() >= 2
        && v.iter()
            .all(|x| x.fract() == 0.0 && (1000.0..3000.0).contains(x))
        && v.windows(2).all(|w| w[1] >= w[0])
        && v.last() > v.first()
}

enum Builder {
    Numeric(Vec<f64>),
    Labels {
        kind: LabelKind,
        codes: Vec<u32>,
        index: HashMap<String, u32>,
        dict: Vec<String>,
    },
}

impl Builder {
    fn new(k: Kind) -> Self {
        match k {
            Kind::Numeric => Builder::Numeric(Vec::new()),
            Kind::Labels(kind) => Builder::Labels {
                kind,
                codes: Vec::new(),
                index: HashMap::new(),
                dict: Vec::new(),
            },
        }
    }

    fn finish(self) -> ColumnData {
        match self {
            Builder::Numeric(v) => ColumnData::Numeric(v),
            Builder::Labels {
                kind, codes, dict, ..
            } => ColumnData::Labels { kind, codes, dict },
        }
    }
}

/// Keeps the rows of one series; returns how many.
fn select_series(columns: &mut [Column], f: &SeriesFilter) -> Result<usize, CsvError> {
    let col = columns
        .iter()
        .find(|c| c.name == f.column)
        .ok_or_else(|| CsvError::NotASeriesColumn(f.column.clone()))?;
    let ColumnData::Labels { codes, dict, .. } = &col.data else {
        return Err(CsvError::NotASeriesColumn(f.column.clone()));
    };
    let code = dict
        .iter()
        .position(|d| *d == f.value)
        .ok_or_else(|| CsvError::SeriesNotFound {
            column: f.column.clone(),
            value: f.value.clone(),
        })? as u32;
    let keep: Vec<bool> = codes.iter().map(|&c| c == code).collect();
    let rows = keep.iter().filter(|&&k| k).count();
    retain_rows(columns, &keep);
    Ok(rows)
}

fn retain_rows(columns: &mut [Column], keep: &[bool]) {
    for c in columns {
        match &mut c.data {
            ColumnData::Numeric(v) => retain(v, keep),
            ColumnData::Labels { codes, .. } => retain(codes, keep),
        }
    }
}

fn retain<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
    let mut k = keep.iter();
    v.retain(|_| *k.next().unwrap_or(&false));
}

/// Applies the missing-cell policy to numeric columns; returns the row count after it.
fn fill_missing(
    columns: &mut [Column],
    policy: MissingPolicy,
    rows: usize,
) -> Result<usize, CsvError> {
    match policy {
        MissingPolicy::ForwardFill => {
            for c in columns.iter_mut() {
                if let ColumnData::Numeric(v) = &mut c.data {
                    let first = v.iter().copied().find(|x| !x.is_nan());
                    let mut last = first.unwrap_or(0.0);
                    for x in v.iter_mut() {
                        if x.is_nan() {
                            *x = last;
                        } else {
                            last = *x;
                        }
                    }
                }
            }
            Ok(rows)
        }
        MissingPolicy::DropRows => {
            let keep: Vec<bool> = (0..rows)
                .map(|r| {
                    columns
                        .iter()
                        .all(|c| c.numbers().is_none_or(|v| !v[r].is_nan()))
                })
                .collect();
            let left = keep.iter().filter(|&&k| k).count();
            if left == 0 {
                return Err(CsvError::NothingLeft);
            }
            retain_rows(columns, &keep);
            Ok(left)
        }
    }
}

impl Table {
    /// What the page shows of the table (the first 5 rows as a preview).
    pub fn summary(&self) -> TableSummary {
        TableSummary {
            rows: self.rows,
            columns: self.columns.iter().map(|c| c.name.clone()).collect(),
            numeric: self
                .numeric_columns()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            series: self
                .series_columns()
                .first()
                .map(|(n, v)| (n.to_string(), v.to_vec())),
            // The preview shows the start of a long cell (a 50 MB quoted cell stays in the
            // worker).
            preview: self
                .preview_rows(5)
                .into_iter()
                .map(|row| row.iter().map(|c| crate::i18n::quoted(c)).collect())
                .collect(),
            notes: self.notes.clone(),
            date_labels: self.time_labels(),
            default_target: self.default_target().map(str::to_string),
        }
    }

    /// The column a learner most likely wants to predict: the last numeric column that is a
    /// measurement, not one that only counts up (an index, a time stamp, a year); the last
    /// numeric column when every one does.
    pub fn default_target(&self) -> Option<&str> {
        let numeric: Vec<&Column> = self
            .columns
            .iter()
            .filter(|c| c.numbers().is_some())
            .collect();
        let counter = |c: &Column| c.numbers().is_some_and(|v| counts_up(v) || years(v));
        numeric
            .iter()
            .rev()
            .find(|c| !counter(c))
            .or(numeric.last())
            .map(|c| c.name.as_str())
    }

    /// Labels for the x axis, one per row: the first date column's text, or else a year
    /// column's year, with the quarter (`1959 Q1`) or month (`1959-03`) from a column so
    /// named beside it. None when nothing in the table tells the time.
    pub fn time_labels(&self) -> Option<Vec<String>> {
        if let Some(col) = self.date_column() {
            return Some(
                (0..self.rows)
                    .map(|r| col.label(r).unwrap_or_default().to_string())
                    .collect(),
            );
        }
        let year = self
            .columns
            .iter()
            .find_map(|c| c.numbers().filter(|v| years(v)))?;
        let named = |names: &[&str], most: f64| {
            self.columns.iter().find_map(|c| {
                let v = c.numbers()?;
                (names.contains(&c.name.trim().to_ascii_lowercase().as_str())
                    && v.iter()
                        .all(|x| x.fract() == 0.0 && (1.0..=most).contains(x)))
                .then_some(v)
            })
        };
        let labels = if let Some(q) = named(&["quarter", "qtr", "q"], 4.0) {
            year.iter()
                .zip(q)
                .map(|(y, q)| format!("{y} Q{q}"))
                .collect()
        } else if let Some(m) = named(&["month", "mon", "m"], 12.0) {
            year.iter()
                .zip(m)
                .map(|(y, m)| format!("{y}-{m:02}"))
                .collect()
        } else {
            year.iter().map(|y| format!("{y}")).collect()
        };
        Some(labels)
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Names of the numeric columns (the candidates for features and target).
    pub fn numeric_columns(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter(|c| c.numbers().is_some())
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Text columns that look like series keys (a `symbol` column): between 2 and 1000
    /// distinct values, each repeated. With their values, for the page's series picker.
    pub fn series_columns(&self) -> Vec<(&str, &[String])> {
        self.columns
            .iter()
            .filter_map(|c| match &c.data {
                ColumnData::Labels {
                    kind: LabelKind::Text,
                    dict,
                    ..
                } if (2..=1000).contains(&dict.len()) && dict.len() * 2 <= self.rows => {
                    Some((c.name.as_str(), dict.as_slice()))
                }
                _ => None,
            })
            .collect()
    }

    /// The first `n` rows as text, for the page's preview.
    pub fn preview_rows(&self, n: usize) -> Vec<Vec<String>> {
        (0..n.min(self.rows))
            .map(|r| {
                self.columns
                    .iter()
                    .map(|c| match &c.data {
                        ColumnData::Numeric(v) => format!("{}", v[r]),
                        ColumnData::Labels { .. } => c.label(r).unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The first date column, for x-axis labels.
    pub fn date_column(&self) -> Option<&Column> {
        self.columns.iter().find(|c| {
            matches!(
                c.data,
                ColumnData::Labels {
                    kind: LabelKind::Date,
                    ..
                }
            )
        })
    }
}
