//! Reading a CSV file a slice at a time: the first lines decide the header and the column
//! kinds, then rows are read in batches ([`Reading::advance`]), so the training worker can
//! read a file near the size limit between requests and say how far it is.

use std::io::Cursor;

use super::{
    column_kind, enough_rows, looks_like_header, no_rows, parse_number, sniff_delimiter, syntax,
    Builder, Column, CsvError, Kind, Table, MAX_BYTES, MAX_COLUMNS, MAX_VALUE,
};
use crate::i18n::trf;

/// A file being read.
pub struct Reading<B: AsRef<[u8]>> {
    records: csv::Reader<Cursor<B>>,
    record: csv::StringRecord,
    names: Vec<String>,
    builders: Vec<Builder>,
    rows: usize,
    delimiter: u8,
    has_header: bool,
    /// Bytes from the reader's start to the end of the file.
    len: usize,
}

impl<B: AsRef<[u8]>> Reading<B> {
    /// Checks what can be told from the start of the file (size, binary, UTF-8, header,
    /// column kinds, duplicate names, width) and gets ready to read its rows.
    pub fn start(bytes: B) -> Result<Reading<B>, CsvError> {
        let data = bytes.as_ref();
        if data.len() > MAX_BYTES {
            return Err(CsvError::TooLarge { bytes: data.len() });
        }
        if data.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(CsvError::Empty);
        }
        if data[..data.len().min(8192)].contains(&0) {
            return Err(CsvError::Binary);
        }
        let text = std::str::from_utf8(data).map_err(|e| CsvError::InvalidUtf8 {
            line: 1 + data[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let offset = data.len() - text.len();
        let delimiter = sniff_delimiter(text);
        let reader = || {
            let mut b = csv::ReaderBuilder::new();
            b.delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .trim(csv::Trim::All);
            b
        };

        // The first rows: header and column kinds.
        let mut sample: Vec<csv::StringRecord> = Vec::new();
        for rec in reader().from_reader(text.as_bytes()).records().take(1001) {
            sample.push(rec.map_err(syntax)?);
        }
        let first = sample.first().ok_or(CsvError::Empty)?;
        let width = first.len();
        if width > MAX_COLUMNS {
            return Err(CsvError::TooManyColumns { columns: width });
        }
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
            return Err(no_rows(has_header));
        }
        let kinds: Vec<Kind> = (0..width)
            .map(|j| column_kind(data_sample.iter().filter_map(|r| r.get(j))))
            .collect();
        if !kinds.contains(&Kind::Numeric) {
            // Without numbers there is no telling a header from data: name the first line's
            // fields.
            let shown: Vec<&str> = first.iter().collect();
            return Err(if width == 1 {
                CsvError::SingleTextColumn(names[0].clone())
            } else {
                CsvError::NoNumericColumn(shown.join(", "))
            });
        }
        let len = text.len();
        let mut cursor = Cursor::new(bytes);
        cursor.set_position(offset as u64);
        let mut records = reader().from_reader(cursor);
        let mut record = csv::StringRecord::new();
        if has_header {
            records.read_record(&mut record).map_err(syntax)?;
        }
        Ok(Reading {
            records,
            record,
            names,
            builders: kinds.iter().map(|&k| Builder::new(k)).collect(),
            rows: 0,
            delimiter,
            has_header,
            len,
        })
    }

    /// Reads up to `n` more records; true once the file is read to its end.
    pub fn advance(&mut self, n: usize) -> Result<bool, CsvError> {
        let width = self.names.len();
        for _ in 0..n {
            if !self.records.read_record(&mut self.record).map_err(syntax)? {
                return Ok(true);
            }
            let rec = &self.record;
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
                match &mut self.builders[j] {
                    Builder::Numeric(v) => {
                        if cell.is_empty() {
                            v.push(f64::NAN);
                            continue;
                        }
                        let problem = match parse_number(cell, self.delimiter) {
                            Some(x) if x.is_finite() && x.abs() <= MAX_VALUE => {
                                v.push(x);
                                continue;
                            }
                            Some(x) if x.is_finite() => CsvError::OutOfRange {
                                line,
                                column: self.names[j].clone(),
                                value: cell.into(),
                            },
                            Some(_) => CsvError::NotFinite {
                                line,
                                column: self.names[j].clone(),
                                value: cell.into(),
                            },
                            None => CsvError::TextInNumeric {
                                line,
                                column: self.names[j].clone(),
                                value: cell.into(),
                            },
                        };
                        return Err(problem);
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
            self.rows += 1;
        }
        Ok(false)
    }

    /// Reads the rest of the file at once and returns the table.
    pub fn read_to_end(mut self) -> Result<Table, CsvError> {
        while !self.advance(usize::MAX)? {}
        self.finish()
    }

    /// How much of the file is read, from 0 to 1.
    pub fn done(&self) -> f64 {
        (self.records.position().byte() as f64 / self.len.max(1) as f64).min(1.0)
    }

    /// The table read (once [`Self::advance`] said the file is read), with no options
    /// applied: missing cells are NaN (see [`Table::with_options`]).
    pub fn finish(self) -> Result<Table, CsvError> {
        enough_rows(self.rows, self.has_header)?;
        Ok(Table {
            columns: self
                .names
                .into_iter()
                .zip(self.builders)
                .map(|(name, b)| Column {
                    name,
                    data: b.finish(),
                })
                .collect(),
            rows: self.rows,
            delimiter: self.delimiter,
            has_header: self.has_header,
            notes: Vec::new(),
        })
    }
}
