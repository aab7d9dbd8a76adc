//! What the page remembers between visits and what it opens on. Settings are remembered
//! once a run with them has trained a step without trouble; settings that were training
//! when the page last stopped, before they trained a step, are never opened again by
//! themselves (a tab that ran out of memory would otherwise die on every reload): the page
//! opens on the last settings that trained and says so. The browser's side (the address
//! bar, localStorage) is `ui::share`.

use crate::i18n::{Lang, Text};
use crate::train::lessons::{Lesson, RunLink};

/// What the page asks the browser to remember.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Remember {
    /// A run with these settings starts training and has not trained a step yet.
    Trying(RunLink),
    /// A run with these settings trained without trouble: the page opens on them next time.
    Worked(RunLink),
}

/// What the browser kept: the address's hash (decoded, or why it could not be), and the
/// stored texts of the last settings that worked and of those being tried.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub hash: Option<Result<String, Text>>,
    pub worked: Option<String>,
    pub trying: Option<String>,
}

/// What the page opens on: a lesson run, its language if a link chose it, and what to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub lesson: Lesson,
    pub settings: crate::train::settings::Settings,
    pub lang: Option<Lang>,
    pub notice: Option<Text>,
    /// A classroom link's options (none unless the page opens on a link).
    pub classroom: super::Classroom,
}

impl Start {
    fn lesson(lesson: Lesson, notice: Option<Text>) -> Start {
        Start {
            lesson,
            settings: lesson.defaults(),
            lang: None,
            notice,
            classroom: super::Classroom::default(),
        }
    }

    fn link(link: RunLink, lang: Option<Lang>, notice: Option<Text>) -> Start {
        Start {
            lesson: link.lesson,
            settings: link.settings,
            lang,
            notice,
            classroom: super::Classroom::default(),
        }
    }
}

/// The run the page opens on, from what the browser kept. A stored text that does not read
/// is dropped silently (the learner did not type it); a link that does not read says why.
pub fn start(kept: &Kept) -> Start {
    let read = |t: &Option<String>| t.as_deref().and_then(|t| RunLink::from_text(t).ok());
    let (worked, trying) = (read(&kept.worked), read(&kept.trying));
    let same = |a: &RunLink, b: &RunLink| a.lesson == b.lesson && a.settings == b.settings;
    let first = Lesson::SineNextValue;
    let link = match &kept.hash {
        Some(Ok(text)) => match RunLink::from_text(text)
            .and_then(|l| super::Classroom::from_link(text).map(|c| (l, c)))
        {
            Ok(link) => Some(link),
            Err(e) => {
                return Start::lesson(first, Some(Text::new("notice.link_broken").and("e", e)))
            }
        },
        Some(Err(e)) => {
            return Start::lesson(
                first,
                Some(Text::new("notice.link_broken").and("e", e.clone())),
            )
        }
        None => None,
    };
    let (link, classroom) = match link {
        Some((l, c)) => (Some(l), c),
        None => (None, super::Classroom::default()),
    };
    // The page stopped while settings it was given were training, before they trained.
    let stopped = trying.filter(|t| link.as_ref().is_none_or(|l| same(l, t)));
    if let Some(t) = stopped {
        let notice = Some(
            Text::new("notice.stopped_while_trying").and("lesson", Text::new(t.lesson.title_key())),
        );
        let lang = link.map(|l| l.lang);
        return match worked.filter(|w| !same(w, &t)) {
            Some(w) => Start::link(w, lang, notice),
            None => Start {
                lang,
                ..Start::lesson(t.lesson, notice)
            },
        };
    }
    match (link, worked) {
        (Some(l), _) => Start {
            classroom,
            ..Start::link(l, Some(l.lang), Some(Text::new("notice.link_opened")))
        },
        (None, Some(w)) => Start::link(w, None, None),
        (None, None) => Start::lesson(first, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lesson: Lesson, hidden: usize) -> String {
        let mut settings = lesson.defaults();
        settings.hidden_size = hidden;
        RunLink {
            lesson,
            settings,
            lang: Lang::Zh,
        }
        .to_text()
    }

    #[test]
    fn the_page_opens_on_a_link_else_what_trained_else_the_first_lesson() {
        let first = start(&Kept::default());
        assert_eq!(first.lesson, Lesson::SineNextValue);
        assert_eq!(first.notice, None);
        let worked = Kept {
            worked: Some(text(Lesson::LargeInputs, 7)),
            ..Kept::default()
        };
        let s = start(&worked);
        assert_eq!(
            (s.lesson, s.settings.hidden_size, s.lang),
            (Lesson::LargeInputs, 7, None)
        );
        let linked = Kept {
            hash: Some(Ok(text(Lesson::Classification, 9))),
            ..worked.clone()
        };
        let s = start(&linked);
        assert_eq!(
            (s.lesson, s.settings.hidden_size),
            (Lesson::Classification, 9)
        );
        assert_eq!(s.lang, Some(Lang::Zh));
        assert_eq!(
            s.notice.as_ref().and_then(Text::key),
            Some("notice.link_opened")
        );
        // A broken link says why and opens the first lesson; broken stored texts are dropped.
        let broken = Kept {
            hash: Some(Ok("{\"lesson\":".into())),
            worked: Some("nonsense".into()),
            trying: Some("{}".into()),
        };
        let s = start(&broken);
        assert_eq!(s.lesson, Lesson::SineNextValue);
        assert_eq!(
            s.notice.as_ref().and_then(Text::key),
            Some("notice.link_broken")
        );
        let s = start(&Kept {
            hash: None,
            ..broken
        });
        assert_eq!((s.lesson, s.notice), (Lesson::SineNextValue, None));
    }

    /// Settings that were training when the page stopped, before they trained a step, are
    /// not opened again, from the address bar or the store: the last that trained are.
    #[test]
    fn settings_that_stopped_the_page_are_not_opened_again() {
        let died = text(Lesson::LongSequences, 128);
        let kept = Kept {
            hash: Some(Ok(died.clone())),
            worked: Some(text(Lesson::LongSequences, 16)),
            trying: Some(died.clone()),
        };
        let s = start(&kept);
        assert_eq!(
            (s.lesson, s.settings.hidden_size),
            (Lesson::LongSequences, 16)
        );
        assert_eq!(
            s.notice.as_ref().and_then(Text::key),
            Some("notice.stopped_while_trying")
        );
        let said = s.notice.unwrap().to_string();
        assert!(said.contains(Lesson::LongSequences.title()), "{said}");
        // With nothing that trained, the lesson's own settings.
        let s = start(&Kept {
            worked: None,
            hash: None,
            ..kept.clone()
        });
        assert_eq!(s.settings, Lesson::LongSequences.defaults());
        // Another link is opened as it is: it was not what stopped the page.
        let other = text(Lesson::VanishingGradients, 5);
        let s = start(&Kept {
            hash: Some(Ok(other)),
            ..kept
        });
        assert_eq!(
            (s.lesson, s.settings.hidden_size),
            (Lesson::VanishingGradients, 5)
        );
    }
}
