//! CSV files in: parsing (with the `csv` crate), delimiter and header sniffing, column typing,
//! missing cells, choosing one series of a multi-series file, and a specific message for
//! every kind of bad file. Nothing here panics on any input.

use crate::i18n::{trf, Text};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Files larger than this are refused with a message (memory stays proportional to the data;
/// an 850,000-row OHLCV file is about 60 MB).
pub const MAX_BYTES: usize = 120 * 1024 * 1024;

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

/// Why a file could not be loaded. Messages name the line and column and say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    Empty,
    TooLarge {
        bytes: usize,
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

/// Parses `bytes` as a CSV file.
pub fn parse_csv(bytes: &[u8], opts: &CsvOptions) -> Result<Table, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge { bytes: bytes.len() });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CsvError::Empty);
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(CsvError::Binary);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| CsvError::InvalidUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes())
    };

    // Pass 1 (first rows only): header and column kinds.
    let mut sample: Vec<csv::StringRecord> = Vec::new();
    for rec in reader().records().take(1001) {
        sample.push(rec.map_err(syntax)?);
    }
    let first = sample.first().ok_or(CsvError::Empty)?;
    let width = first.len();
    let has_header = looks_like_header(first, sample.get(1));
    let names: Vec<String> = if has_header {
        first
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if n.is_empty() {
                    trf("csv.column_n", &[("n", &(i + 1))])
                } else {
                    n.to_string()
                }
            })
            .collect()
    } else {
        (1..=width)
            .map(|i| trf("csv.column_n", &[("n", &i)]))
            .collect()
    };
    // One pass with a map (a file of 100,000 columns took 9 s with a pairwise check).
    let mut seen = std::collections::HashMap::with_capacity(names.len());
    for (j, n) in names.iter().enumerate() {
        if let Some(i) = seen.insert(n.as_str(), j) {
            return Err(CsvError::DuplicateHeader {
                name: n.clone(),
                first: i + 1,
                second: j + 1,
            });
        }
    }
    let data_sample = &sample[usize::from(has_header)..];
    if data_sample.is_empty() {
        return Err(if has_header {
            CsvError::HeaderOnly
        } else {
            CsvError::Empty
        });
    }
    let kinds: Vec<Kind> = (0..width)
        .map(|j| column_kind(data_sample.iter().filter_map(|r| r.get(j))))
        .collect();
    if !kinds.contains(&Kind::Numeric) {
        // Without numbers there is no telling a header from data: name the first line's fields.
        let shown: Vec<&str> = first.iter().collect();
        return Err(if width == 1 {
            CsvError::SingleTextColumn(names[0].clone())
        } else {
            CsvError::NoNumericColumn(shown.join(", "))
        });
    }

    // Pass 2: every row.
    let mut builders: Vec<Builder> = kinds.iter().map(|&k| Builder::new(k)).collect();
    let mut rows = 0usize;
    let mut missing = 0usize;
    for rec in reader().records().skip(usize::from(has_header)) {
        let rec = rec.map_err(syntax)?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != width {
            if rec.len() == 1 && rec.get(0) == Some("") {
                continue; // a blank line
            }
            return Err(CsvError::Ragged {
                line,
                found: rec.len(),
                expected: width,
            });
        }
        for (j, cell) in rec.iter().enumerate() {
            match &mut builders[j] {
                Builder::Numeric(v) => {
                    if cell.is_empty() {
                        v.push(f64::NAN);
                        missing += 1;
                        continue;
                    }
                    match parse_number(cell, delimiter) {
                        Some(x) if x.is_finite() && x.abs() <= MAX_VALUE => v.push(x),
                        Some(x) if x.is_finite() => {
                            return Err(CsvError::OutOfRange {
                                line,
                                column: names[j].clone(),
                                value: cell.into(),
                            })
                        }
                        Some(_) => {
                            return Err(CsvError::NotFinite {
                                line,
                                column: names[j].clone(),
                                value: cell.into(),
                            })
                        }
                        None => {
                            return Err(CsvError::TextInNumeric {
                                line,
                                column: names[j].clone(),
                                value: cell.into(),
                            })
                        }
                    }
                }
                Builder::Labels {
                    codes, index, dict, ..
                } => {
                    let code = *index.entry(cell.to_string()).or_insert_with(|| {
                        dict.push(cell.to_string());
                        (dict.len() - 1) as u32
                    });
                    codes.push(code);
                }
            }
        }
        rows += 1;
    }
    let mut columns: Vec<Column> = names
        .into_iter()
        .zip(builders)
        .map(|(name, b)| Column {
            name,
            data: b.finish(),
        })
        .collect();
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
        missing = columns
            .iter()
            .filter_map(Column::numbers)
            .map(|v| v.iter().filter(|x| x.is_nan()).count())
            .sum();
    }
    match rows {
        0 => {
            return Err(if has_header {
                CsvError::HeaderOnly
            } else {
                CsvError::Empty
            })
        }
        1 => return Err(CsvError::OneRow),
        _ => {}
    }
    if missing > 0 {
        rows = fill_missing(&mut columns, opts.missing, rows)?;
        notes.push(match opts.missing {
            MissingPolicy::ForwardFill => Text::with("csv.note_filled", &[("missing", &missing)]),
            MissingPolicy::DropRows => Text::with("csv.note_dropped", &[("rows", &rows)]),
        });
        if rows < 2 {
            return Err(CsvError::OneRow);
        }
    }
    Ok(Table {
        columns,
        rows,
        delimiter,
        has_header,
        notes,
    })
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

/// Dates and times such as 2024-01-31, 31/01/2024, 2024-01-31 13:45, 13:45:00.
pub fn looks_like_date(s: &str) -> bool {
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
