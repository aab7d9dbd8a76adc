//! The CSV corpus in tests/data: every bad file gets its own specific message (checked word
//! for word where it names a line or column), every good file parses to the right table.
#![cfg(not(target_arch = "wasm32"))]

use rnn_lab::data::table::{
    parse_csv, ColumnData, CsvError, CsvOptions, LabelKind, MissingPolicy, SeriesFilter, MAX_BYTES,
    MAX_COLUMNS,
};

fn file(path: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn bad(name: &str) -> CsvError {
    match parse_csv(&file(&format!("bad/{name}")), &CsvOptions::default()) {
        Ok(t) => panic!("{name} parsed: {t:?}"),
        Err(e) => e,
    }
}

fn good(name: &str) -> rnn_lab::data::table::Table {
    parse_csv(&file(&format!("good/{name}")), &CsvOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(bad("empty.csv"), CsvError::Empty);
    assert_eq!(bad("whitespace_only.csv"), CsvError::Empty);
    assert!(CsvError::Empty.to_string().contains("at least 2 rows"));
}

#[test]
fn header_only_and_one_row() {
    assert_eq!(bad("header_only.csv"), CsvError::HeaderOnly);
    assert_eq!(bad("one_data_row.csv"), CsvError::OneRow);
}

#[test]
fn text_only_files() {
    let e = bad("single_text_column.csv");
    assert_eq!(e.to_string(), "the only column (\"column 1\") holds text, not numbers; RNN Lab needs at least one numeric column");
    let e = bad("all_text.csv");
    assert_eq!(e, CsvError::NoNumericColumn("name, city".into()));
}

#[test]
fn binary_and_invalid_utf8() {
    assert_eq!(bad("binary_renamed.csv"), CsvError::Binary);
    assert!(bad("binary_renamed.csv")
        .to_string()
        .contains("export it as CSV"));
    assert_eq!(bad("invalid_utf8.csv"), CsvError::InvalidUtf8 { line: 3 });
}

#[test]
fn ragged_rows_name_the_line() {
    let e = bad("ragged_rows.csv");
    assert_eq!(
        e,
        CsvError::Ragged {
            line: 4,
            found: 2,
            expected: 3
        }
    );
    assert_eq!(e.to_string(), "line 4 has 2 fields but the first line has 3; look for a missing or extra delimiter on that line");
}

#[test]
fn non_finite_values_name_line_column_and_value() {
    assert_eq!(
        bad("nan_string.csv"),
        CsvError::NotFinite {
            line: 3,
            column: "y".into(),
            value: "NaN".into()
        }
    );
    assert_eq!(
        bad("inf_string.csv"),
        CsvError::NotFinite {
            line: 4,
            column: "y".into(),
            value: "inf".into()
        }
    );
    let e = bad("overflow_1e999.csv");
    assert_eq!(e.to_string(), "line 3, column \"y\": \"1e999\" is not a finite number; replace it, or leave the cell empty to mark it missing");
}

/// Numbers beyond f32 (the model's floats) are refused at load with line and column: 1e39
/// would be infinite in the model, and ±9e307 froze the prediction chart's axis.
#[test]
fn numbers_beyond_the_model_s_floats_are_refused_with_line_and_column() {
    for (file, line, value) in [
        ("t,y\n1,0.5\n2,1e39\n3,0.1\n", 3, "1e39"),
        ("t,y\n1,9e307\n2,-9e307\n", 2, "9e307"),
        ("t,y\n1,0.5\n2,0.7\n3,-4e38\n", 4, "-4e38"),
    ] {
        let e = parse_csv(file.as_bytes(), &CsvOptions::default()).unwrap_err();
        assert_eq!(
            e,
            CsvError::OutOfRange {
                line,
                column: "y".into(),
                value: value.into()
            }
        );
        assert!(
            e.to_string()
                .starts_with(&format!("line {line}, column \"y\"")),
            "{e}"
        );
    }
    // The largest f32 itself is a number the model holds.
    assert!(parse_csv(b"t,y\n1,3.4e38\n2,-3.4e38\n", &CsvOptions::default()).is_ok());
}

/// A file as wide as the limit is read, its header checked in one pass (pairwise took about
/// 9 s in the page for 100,000 columns) and a duplicate at the far end still found; 100,000
/// columns (under 1 MB) are refused with the count and the limit.
#[test]
fn wide_files_are_checked_in_one_pass_and_capped() {
    let wide = |n: usize, last: &str| {
        let mut names: Vec<String> = (0..n - 1).map(|k| format!("c{k}")).collect();
        names.push(last.to_string());
        let row = vec!["1"; n].join(",");
        format!("{}\n{row}\n{row}\n", names.join(","))
    };
    let n = MAX_COLUMNS;
    let t = parse_csv(wide(n, "last").as_bytes(), &CsvOptions::default()).unwrap();
    assert_eq!(t.columns.len(), n);
    assert_eq!(
        parse_csv(wide(n, "c7").as_bytes(), &CsvOptions::default()).unwrap_err(),
        CsvError::DuplicateHeader {
            name: "c7".into(),
            first: 8,
            second: n
        }
    );
    let e = parse_csv(wide(100_000, "last").as_bytes(), &CsvOptions::default()).unwrap_err();
    assert_eq!(e, CsvError::TooManyColumns { columns: 100_000 });
    assert!(e.to_string().contains("100000"), "{e}");
}

#[test]
fn duplicate_headers_and_text_in_numbers() {
    assert_eq!(
        bad("duplicate_headers.csv"),
        CsvError::DuplicateHeader {
            name: "close".into(),
            first: 2,
            second: 4
        }
    );
    assert_eq!(
        bad("text_in_numeric.csv"),
        CsvError::TextInNumeric {
            line: 4,
            column: "y".into(),
            value: "abc".into()
        }
    );
}

#[test]
fn unclosed_quote_is_reported_not_swallowed() {
    // The quote swallows the rest of the file into one field, leaving a short record.
    let e = bad("unclosed_quote.csv");
    assert!(
        matches!(
            e,
            CsvError::Ragged { line: 3, .. } | CsvError::OneRow | CsvError::Syntax { .. }
        ),
        "{e:?}"
    );
}

#[test]
fn a_200_megabyte_file_is_refused_before_parsing() {
    let big = vec![b'1'; 200 * 1024 * 1024];
    let e = parse_csv(&big, &CsvOptions::default()).unwrap_err();
    assert_eq!(e, CsvError::TooLarge { bytes: big.len() });
    assert_eq!(e.to_string(), format!("the file is 200.0 MB; the limit is {} MB. Keep fewer rows or columns and load it again", MAX_BYTES / 1048576));
}

#[test]
fn bom_crlf_and_dates() {
    let t = good("bom_crlf.csv");
    assert!(t.has_header);
    assert_eq!(t.rows, 3);
    assert_eq!(t.columns[0].name, "date");
    assert!(matches!(
        t.columns[0].data,
        ColumnData::Labels {
            kind: LabelKind::Date,
            ..
        }
    ));
    assert_eq!(t.columns[1].numbers().unwrap(), &[1.5, 2.5, 3.5]);
    assert_eq!(t.date_column().unwrap().label(2), Some("2024-01-03"));
}

#[test]
fn semicolons_with_decimal_commas_and_tabs() {
    let t = good("semicolon_decimal_comma.csv");
    assert_eq!(t.delimiter, b';');
    assert_eq!(
        t.column("Wert").unwrap().numbers().unwrap(),
        &[3.25, 2.5, 1.41]
    );
    assert!(matches!(
        t.column("Datum").unwrap().data,
        ColumnData::Labels {
            kind: LabelKind::Date,
            ..
        }
    ));
    let t = good("tab.tsv");
    assert_eq!(t.delimiter, b'\t');
    assert_eq!(
        t.column("y").unwrap().numbers().unwrap(),
        &[10.0, 20.0, 30.0]
    );
}

#[test]
fn quoted_fields_with_delimiters_quotes_and_newlines() {
    let t = good("quoted.csv");
    assert_eq!(t.rows, 3);
    let name = t.column("name").unwrap();
    assert_eq!(name.label(0), Some("a, b"));
    assert_eq!(t.column("comment").unwrap().label(0), Some("said \"hi\""));
    assert_eq!(t.column("comment").unwrap().label(1), Some("multi\nline"));
    assert_eq!(
        t.column("value").unwrap().numbers().unwrap(),
        &[1.0, 2.0, 3.0]
    );
}

#[test]
fn chinese_headers_and_no_header() {
    let t = good("chinese_headers.csv");
    assert_eq!(t.numeric_columns(), vec!["收盘价", "成交量"]);
    let t = good("no_header.csv");
    assert!(!t.has_header);
    assert_eq!(t.rows, 3);
    assert_eq!(t.numeric_columns(), vec!["column 1", "column 2"]);
}

#[test]
fn symbol_column_offers_series_and_selects_one() {
    let t = good("symbols.csv");
    assert_eq!(t.rows, 20);
    let series = t.series_columns();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].0, "symbol");
    assert_eq!(series[0].1, &["AAA".to_string(), "BBB".to_string()]);
    let opts = CsvOptions {
        series: Some(SeriesFilter {
            column: "symbol".into(),
            value: "BBB".into(),
        }),
        ..Default::default()
    };
    let b = parse_csv(&file("good/symbols.csv"), &opts).unwrap();
    assert_eq!(b.rows, 10);
    assert_eq!(b.column("open").unwrap().numbers().unwrap()[0], 51.0);
    assert!(b.notes[0].to_string().contains("\"symbol\" is \"BBB\""));
    let missing = CsvOptions {
        series: Some(SeriesFilter {
            column: "symbol".into(),
            value: "ZZZ".into(),
        }),
        ..Default::default()
    };
    assert_eq!(
        parse_csv(&file("good/symbols.csv"), &missing).unwrap_err(),
        CsvError::SeriesNotFound {
            column: "symbol".into(),
            value: "ZZZ".into()
        }
    );
}

#[test]
fn missing_cells_forward_filled_by_default_or_dropped() {
    let t = good("missing_cells.csv");
    // Leading gap takes the first value; later gaps repeat the one before.
    assert_eq!(
        t.column("y").unwrap().numbers().unwrap(),
        &[20.0, 20.0, 20.0, 40.0]
    );
    assert!(t.notes[0].to_string().contains("2 empty cells filled"));
    let opts = CsvOptions {
        missing: MissingPolicy::DropRows,
        ..Default::default()
    };
    let d = parse_csv(&file("good/missing_cells.csv"), &opts).unwrap();
    assert_eq!(d.rows, 2);
    assert_eq!(d.column("x").unwrap().numbers().unwrap(), &[2.0, 4.0]);
}

#[test]
fn constant_column_loads_but_cannot_be_z_scored() {
    use rnn_lab::data::frame::{Dataset, SplitSpec, TargetData, Task};
    use rnn_lab::data::normalise::Scaling;
    let t = good("constant_column.csv");
    let flat = t.column("flat").unwrap().numbers().unwrap().to_vec();
    let x = t.column("x").unwrap().numbers().unwrap().to_vec();
    let e = Dataset::new(
        vec![("x".into(), x.clone()), ("flat".into(), flat)],
        ("x".into(), TargetData::Values(x)),
        Task::NextValue {
            window: 2,
            horizon: 1,
            stride: 1,
        },
        Scaling::ZScore,
        SplitSpec::Counts {
            validation: 0,
            test: 0,
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("column \"flat\" is constant in the training split (every value is 3)"),
        "{e}"
    );
}

#[test]
fn preview_shows_the_first_rows_as_text() {
    let t = good("symbols.csv");
    let p = t.preview_rows(2);
    assert_eq!(
        p[0],
        vec!["2024-01-01", "AAA", "11", "12", "10", "13", "1001"]
    );
    assert_eq!(p.len(), 2);
}

#[test]
fn nothing_panics_on_arbitrary_bytes() {
    use rand::{Rng, SeedableRng};
    let mut r = rand_pcg::Pcg64Mcg::seed_from_u64(5);
    let alphabet = b"0123456789,;\t\n\r\".-eNa x\xff";
    for _ in 0..2000 {
        let n = r.random_range(0..60);
        let bytes: Vec<u8> = (0..n)
            .map(|_| alphabet[r.random_range(0..alphabet.len())])
            .collect();
        let _ = parse_csv(&bytes, &CsvOptions::default());
    }
}

/// Every file in tests/data/bad (the page test feeds them all to the page) is refused with
/// the error that names its problem, in both languages, quoting little of the file.
#[test]
fn every_bad_file_is_refused_with_its_own_message() {
    use rnn_lab::i18n::{set, Lang};
    type Is = fn(&CsvError) -> bool;
    let expected: &[(&str, Is)] = &[
        ("all_text.csv", |e| {
            matches!(e, CsvError::NoNumericColumn(_))
        }),
        ("alternating_9e307.csv", |e| {
            matches!(e, CsvError::OutOfRange { line: 2, .. })
        }),
        ("beyond_f32_1e39.csv", |e| {
            matches!(e, CsvError::OutOfRange { line: 32, .. })
        }),
        ("binary_renamed.csv", |e| matches!(e, CsvError::Binary)),
        ("bom_only.csv", |e| matches!(e, CsvError::Empty)),
        ("dates_only.csv", |e| {
            matches!(e, CsvError::SingleTextColumn(_))
        }),
        ("duplicate_headers.csv", |e| {
            matches!(e, CsvError::DuplicateHeader { .. })
        }),
        ("empty.csv", |e| matches!(e, CsvError::Empty)),
        ("gzip_renamed.csv", |e| {
            matches!(e, CsvError::Binary | CsvError::InvalidUtf8 { .. })
        }),
        ("header_only.csv", |e| matches!(e, CsvError::HeaderOnly)),
        ("html_page.csv", |e| {
            matches!(
                e,
                CsvError::SingleTextColumn(_)
                    | CsvError::NoNumericColumn(_)
                    | CsvError::Ragged { .. }
            )
        }),
        ("huge_1e308.csv", |e| {
            matches!(e, CsvError::OutOfRange { line: 22, .. })
        }),
        ("inf_string.csv", |e| {
            matches!(e, CsvError::NotFinite { .. })
        }),
        ("invalid_utf8.csv", |e| {
            matches!(e, CsvError::InvalidUtf8 { .. })
        }),
        ("json_document.csv", |e| {
            matches!(
                e,
                CsvError::NoNumericColumn(_)
                    | CsvError::SingleTextColumn(_)
                    | CsvError::OneRow
                    | CsvError::HeaderOnly
            )
        }),
        ("late_text.csv", |e| {
            matches!(e, CsvError::TextInNumeric { line: 1502, .. })
        }),
        ("nan_string.csv", |e| {
            matches!(e, CsvError::NotFinite { .. })
        }),
        ("one_data_row.csv", |e| matches!(e, CsvError::OneRow)),
        ("only_delimiters.csv", |e| {
            matches!(e, CsvError::NoNumericColumn(_) | CsvError::Empty)
        }),
        ("overflow_1e999.csv", |e| {
            matches!(e, CsvError::NotFinite { .. })
        }),
        ("png_renamed.csv", |e| {
            matches!(e, CsvError::Binary | CsvError::InvalidUtf8 { .. })
        }),
        ("ragged_rows.csv", |e| matches!(e, CsvError::Ragged { .. })),
        ("single_text_column.csv", |e| {
            matches!(e, CsvError::SingleTextColumn(_))
        }),
        ("text_in_numeric.csv", |e| {
            matches!(e, CsvError::TextInNumeric { .. })
        }),
        ("unclosed_quote.csv", |e| !matches!(e, CsvError::Binary)),
        ("utf16.csv", |e| matches!(e, CsvError::Binary)),
        ("whitespace_only.csv", |e| matches!(e, CsvError::Empty)),
    ];
    let mut names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bad"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    names.sort();
    let listed: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every bad file has its expected error here");
    for (name, is) in expected {
        let e = bad(name);
        assert!(is(&e), "{name}: {e:?}");
        for lang in [Lang::En, Lang::Zh] {
            set(lang);
            let said = e.to_string();
            assert!(said.chars().count() < 400, "{name}: {said}");
        }
        set(Lang::En);
    }
}

/// What the page is sent of a file quotes the start of a long cell, not all of it.
#[test]
fn the_page_s_summary_quotes_long_cells() {
    let long = "A".repeat(100_000);
    let text = format!("t,name,y\n1,{long},0.5\n2,b,0.7\n3,c,0.1\n");
    let t = parse_csv(text.as_bytes(), &CsvOptions::default()).unwrap();
    let summary = t.summary();
    let cell = &summary.preview[0][1];
    assert!(
        cell.chars().count() <= 81 && cell.starts_with("AAAA"),
        "{}",
        cell.len()
    );
    assert_eq!(summary.rows, 3);
    assert_eq!(summary.numeric, vec!["t", "y"]);
}

/// Files as learners bring them: the default target is a measurement, never a column that
/// only counts up; a column that tells the time labels the x axis.
#[test]
fn the_default_target_is_a_measurement_and_time_columns_label_the_axis() {
    // year,volume: the volume is predicted, the years label the axis.
    let t = good("yearly_flow.csv");
    assert_eq!(t.default_target(), Some("volume"));
    let labels = t.time_labels().expect("years");
    assert_eq!((labels[0].as_str(), labels[99].as_str()), ("1871", "1970"));
    // A 1..N index in the last column is not the target, nor an axis of time.
    let t = good("index_last.csv");
    assert_eq!(t.default_target(), Some("humidity"));
    assert_eq!(t.time_labels(), None);
    // Dates written Jan-1-1995 are dates: labels, not a numeric column or row numbers.
    let t = good("month_name_dates.csv");
    assert!(matches!(
        t.column("date").unwrap().data,
        ColumnData::Labels {
            kind: LabelKind::Date,
            ..
        }
    ));
    assert_eq!(t.default_target(), Some("sales"));
    assert_eq!(t.time_labels().unwrap()[13], "Feb-1-1996");
    // Year and quarter columns make "1959 Q1"; the last column, a measurement, is the target.
    let t = good("quarterly_macro.csv");
    assert_eq!(t.default_target(), Some("realint"));
    let labels = t.time_labels().unwrap();
    assert_eq!(
        (labels[0].as_str(), labels[5].as_str()),
        ("1959 Q1", "1960 Q2")
    );
    assert_eq!(t.summary().default_target.as_deref(), Some("realint"));
}

#[test]
fn dates_with_the_month_s_name_are_dates_and_words_are_not() {
    use rnn_lab::data::table::looks_like_date;
    for date in [
        "Jan-1-1995",
        "1-Jan-1995",
        "January 1, 1995",
        "Mar 2020",
        "03-Mar-21",
        "2024-01-31",
    ] {
        assert!(looks_like_date(date), "{date}");
    }
    for word in [
        "Jan",
        "May 5",
        "Marching 1995",
        "Mayday-1-1995",
        "janitor 2020",
        "1995",
        "Q1-1995",
    ] {
        assert!(!looks_like_date(word), "{word}");
    }
}
