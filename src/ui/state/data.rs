//! The learner's data: a loaded CSV with their choices, or a generated signal.

use std::rc::Rc;

use super::{DataChange, Page};
use crate::data::signals::generate;
use crate::data::table::{parse_csv, CsvOptions, SeriesFilter, Table};
use crate::i18n::Text;
use crate::train::lessons::CsvChoice;

/// A loaded CSV and what the learner picked from it (shared: the data panel takes it as a
/// prop; a change makes a new one, cheaply, since the bytes and table are shared too).
#[derive(Debug, Clone)]
pub struct CsvState {
    /// Which file this is, counting the files loaded (a run built from it remembers it).
    pub file: u64,
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
    pub table: Rc<Table>,
    pub choice: CsvChoice,
    /// How the file is read: which series, what to do with missing cells.
    pub options: CsvOptions,
}

impl CsvState {
    /// Reads the bytes again with `options`; on failure the table and options loaded before
    /// stay.
    pub fn reparse(&mut self, options: CsvOptions) -> Result<(), Text> {
        self.table = Rc::new(parse_csv(&self.bytes, &options)?);
        self.options = options;
        Ok(())
    }

    /// The date column's text per row, for the chart's x axis.
    pub fn date_labels(&self) -> Option<Vec<String>> {
        let col = self.table.date_column()?;
        Some(
            (0..self.table.rows)
                .map(|r| col.label(r).unwrap_or_default().to_string())
                .collect(),
        )
    }
}

impl Page {
    /// The learner's file and choices, or a generated signal.
    pub(super) fn change_data(&mut self, change: DataChange) {
        let csv = self.csv.as_mut().map(Rc::make_mut);
        match (change, csv) {
            (DataChange::Loaded(name, bytes), _) => self.loaded(name, bytes),
            (DataChange::Signal(p), _) => self.signal = p,
            (DataChange::GenerateSignal, _) => {
                let p = self.signal;
                let name =
                    crate::i18n::trf("signal.file", &[("kind", &crate::i18n::tr(p.kind.key()))]);
                let csv = generate(&p).to_csv("value");
                self.loaded(name, Ok(csv.into_bytes()));
            }
            (DataChange::Series(value), Some(c)) => {
                let column = c.table.series_columns().first().map(|(n, _)| n.to_string());
                let series = column
                    .filter(|_| !value.is_empty())
                    .map(|column| SeriesFilter { column, value });
                let options = CsvOptions {
                    series,
                    ..c.options.clone()
                };
                self.csv_error = c
                    .reparse(options)
                    .err()
                    .map(|e| Text::new("csv.series_failed").and("e", e));
            }
            (DataChange::Missing(policy), Some(c)) => {
                let options = CsvOptions {
                    missing: policy,
                    ..c.options.clone()
                };
                self.csv_error = c
                    .reparse(options)
                    .err()
                    .map(|e| Text::new("csv.apply_failed").and("e", e));
            }
            (DataChange::Target(t), Some(c)) => c.choice.target = t,
            (DataChange::Feature(f, on), Some(c)) => {
                c.choice.features.retain(|x| *x != f);
                if on {
                    c.choice.features.push(f);
                }
            }
            (DataChange::Window(w), Some(c)) => c.choice.window = w,
            (DataChange::Horizon(h), Some(c)) => c.choice.horizon = h,
            (DataChange::Task(t), Some(c)) => c.choice.task = t,
            // A choice about a file with no file loaded: nothing to change.
            (_, None) => {}
        }
    }

    /// A file's bytes arrived: the new file replaces the old one if it reads, and the
    /// last file's or last run's error goes with it (a message belongs to its action).
    pub(super) fn loaded(&mut self, name: String, bytes: Result<Vec<u8>, Text>) {
        let parsed = bytes.and_then(|b| {
            parse_csv(&b, &CsvOptions::default())
                .map(|t| (b, t))
                .map_err(Text::from)
        });
        match parsed {
            Ok((bytes, table)) => match CsvChoice::default_for(&table) {
                Some(choice) => {
                    self.files_loaded += 1;
                    self.error = None;
                    self.csv = Some(Rc::new(CsvState {
                        file: self.files_loaded,
                        name,
                        bytes: Rc::new(bytes),
                        table: Rc::new(table),
                        choice,
                        options: CsvOptions::default(),
                    }));
                    self.csv_error = None;
                }
                None => self.csv_error = Some(Text::with("csv.no_numeric", &[("name", &name)])),
            },
            Err(e) => {
                self.csv_error =
                    Some(Text::with("csv.load_failed", &[("name", &name)]).and("e", e));
            }
        }
    }
}
