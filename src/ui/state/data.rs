//! The learner's data: a loaded CSV with their choices, or a generated signal.

use std::rc::Rc;

use super::{DataChange, Page};
use crate::data::signals::generate;
use crate::data::table::{CsvOptions, SeriesFilter, TableSummary};
use crate::i18n::Text;
use crate::train::host::Request;
use crate::train::lessons::CsvChoice;

/// A loaded CSV and what the learner picked from it (shared: the data panel takes it as a
/// prop; a change makes a new one, cheaply, since the bytes and summary are shared too).
/// The training worker reads the file and keeps it; the page keeps its bytes only to hand
/// them to a new worker if the old one dies.
#[derive(Debug, Clone)]
pub struct CsvState {
    /// Which file this is, counting the files loaded (a run built from it remembers it).
    pub file: u64,
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
    /// What the file holds, read with `options`.
    pub summary: Rc<TableSummary>,
    pub choice: CsvChoice,
    /// How the file is read: which series, what to do with missing cells.
    pub options: CsvOptions,
}

/// A file the worker is reading: the page says how far it is.
#[derive(Debug, Clone)]
pub struct Loading {
    pub file: u64,
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
    /// From 0 to 1.
    pub done: f64,
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
                let column = c.summary.series.as_ref().map(|(n, _)| n.clone());
                let series = column
                    .filter(|_| !value.is_empty())
                    .map(|column| SeriesFilter { column, value });
                let options = CsvOptions {
                    series,
                    ..c.options.clone()
                };
                let file = c.file;
                self.send(Request::Reread { file, options });
            }
            (DataChange::Missing(policy), Some(c)) => {
                let options = CsvOptions {
                    missing: policy,
                    ..c.options.clone()
                };
                let file = c.file;
                self.send(Request::Reread { file, options });
            }
            (DataChange::Target(t), Some(c)) => c.choice.retarget(t),
            (DataChange::Feature(f, on), Some(c)) => {
                c.choice.features.retain(|x| *x != f);
                if on {
                    c.choice.features.push(f);
                }
            }
            (DataChange::Window(w), Some(c)) => c.choice.window = w,
            (DataChange::Horizon(h), Some(c)) => c.choice.horizon = h,
            (DataChange::Task(t), Some(c)) => c.choice.task = t,
            (DataChange::Change(change), Some(c)) => c.choice.change = change,
            // A choice about a file with no file loaded: nothing to change.
            (_, None) => {}
        }
    }

    /// A file's bytes arrived: the worker reads them (the page says how far it is); the new
    /// file replaces the old one if it reads (see [`Self::file_read`]).
    pub(super) fn loaded(&mut self, name: String, bytes: Result<Vec<u8>, Text>) {
        match bytes {
            Ok(bytes) => {
                self.files_loaded += 1;
                let loading = Loading {
                    file: self.files_loaded,
                    name,
                    bytes: Rc::new(bytes),
                    done: 0.0,
                };
                self.send_read(&loading.bytes, loading.file, CsvOptions::default());
                self.loading = Some(loading);
            }
            Err(e) => {
                self.csv_error =
                    Some(Text::with("csv.load_failed", &[("name", &name)]).and("e", e));
            }
        }
    }

    pub(super) fn send_read(&mut self, bytes: &[u8], file: u64, options: CsvOptions) {
        self.send(Request::Read {
            file,
            bytes: bytes.to_vec(),
            options,
        });
    }

    /// How far the worker is with the file it reads.
    pub(super) fn file_reading(&mut self, file: u64, done: f64) {
        if let Some(l) = self.loading.as_mut().filter(|l| l.file == file) {
            l.done = done;
        }
    }

    /// The worker read `file` with `options`: a new file replaces the old one, the loaded
    /// file takes its new options; if it cannot, what was there stays and the message says
    /// why (and the last file's or last run's error goes: a message belongs to its action).
    pub(super) fn file_read(
        &mut self,
        file: u64,
        options: CsvOptions,
        result: Result<Box<TableSummary>, Text>,
    ) {
        if let Some(loading) = self.loading.take_if(|l| l.file == file) {
            match result.map(|s| (s.default_target.clone(), s)) {
                Ok((Some(target), summary)) => {
                    self.error = None;
                    self.csv_error = None;
                    self.csv = Some(Rc::new(CsvState {
                        file,
                        name: loading.name,
                        bytes: loading.bytes,
                        summary: Rc::new(*summary),
                        choice: CsvChoice::for_target(target),
                        options,
                    }));
                }
                Ok((None, _)) => {
                    self.csv_error = Some(Text::with("csv.no_numeric", &[("name", &loading.name)]))
                }
                Err(e) => {
                    self.csv_error =
                        Some(Text::with("csv.load_failed", &[("name", &loading.name)]).and("e", e));
                }
            }
            return;
        }
        let Some(c) = self.csv.as_mut().filter(|c| c.file == file) else {
            return;
        };
        let c = Rc::make_mut(c);
        match result {
            Ok(summary) => {
                c.summary = Rc::new(*summary);
                c.options = options;
                self.csv_error = None;
            }
            Err(e) => {
                let what = if options.series != c.options.series {
                    "csv.series_failed"
                } else {
                    "csv.apply_failed"
                };
                self.csv_error = Some(Text::new(what).and("e", e));
            }
        }
    }
}
