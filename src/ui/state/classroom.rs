//! A classroom link's options on top of the run it opens: the tour step to start on, the
//! panels a teacher hides, whether the settings can be changed, and the theme (projector:
//! large type and thick lines for the back of a room). They travel in the link's text as its
//! `classroom` field, beside the run's (`RunLink`), so a link without them opens as before.

use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::train::lessons::RunLink;

/// A part of the page a teacher can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    /// The whole controls column (lesson, data, model).
    Controls,
    Data,
    Model,
    /// The cell diagram, step-through and heatmaps beside the charts.
    Cell,
    /// The tabs below (gradient flow, equations, compare).
    Tabs,
    Exports,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Controls,
        Panel::Data,
        Panel::Model,
        Panel::Cell,
        Panel::Tabs,
        Panel::Exports,
    ];

    /// Its name in links and in the page's `data-hide` attribute.
    pub fn key(self) -> &'static str {
        match self {
            Panel::Controls => "controls",
            Panel::Data => "data",
            Panel::Model => "model",
            Panel::Cell => "cell",
            Panel::Tabs => "tabs",
            Panel::Exports => "exports",
        }
    }

    /// Its name's catalogue key.
    pub fn label(self) -> &'static str {
        match self {
            Panel::Controls => "classroom.hide_controls",
            Panel::Data => "classroom.hide_data",
            Panel::Model => "classroom.hide_model",
            Panel::Cell => "classroom.hide_cell",
            Panel::Tabs => "classroom.hide_tabs",
            Panel::Exports => "classroom.hide_exports",
        }
    }
}

/// How the page looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Standard,
    /// Large type, thick lines, high contrast: readable from the back of a room at
    /// 1280 x 720.
    Projector,
}

impl Theme {
    /// Its name in the page's `data-theme` attribute.
    pub fn key(self) -> &'static str {
        match self {
            Theme::Standard => "standard",
            Theme::Projector => "projector",
        }
    }

    /// How much larger the charts draw their type and lines.
    pub fn chart_scale(self) -> f64 {
        match self {
            Theme::Standard => 1.0,
            Theme::Projector => 1.5,
        }
    }

    fn is_standard(&self) -> bool {
        *self == Theme::Standard
    }
}

/// The options (all off by default).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classroom {
    /// The tour step to open on (1-based, as the card counts), the tour open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hide: Vec<Panel>,
    /// The settings cannot be changed (the controls are shown, disabled).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
    #[serde(default, skip_serializing_if = "Theme::is_standard")]
    pub theme: Theme,
}

/// The most panels a link may name (each at most once, so a longer list is not a link the
/// page wrote).
const MAX_HIDDEN: usize = Panel::ALL.len();

impl Classroom {
    /// The options in a link's text (its `classroom` field; none: the defaults), or what is
    /// wrong with them.
    pub fn from_link(text: &str) -> Result<Classroom, Text> {
        #[derive(Deserialize)]
        struct Outer {
            #[serde(default)]
            classroom: Classroom,
        }
        let c = serde_json::from_str::<Outer>(text)
            .map_err(|e| Text::with("err.classroom", &[("e", &e)]))?
            .classroom;
        if c.hide.len() > MAX_HIDDEN || c.step.is_some_and(|s| s == 0 || s > 100) {
            return Err(Text::with(
                "err.classroom",
                &[("e", &crate::i18n::quoted(&format!("{c:?}")))],
            ));
        }
        Ok(c)
    }

    /// The text of a link to `run` with these options.
    pub fn link_text(&self, run: &RunLink) -> String {
        let text = run.to_text();
        if *self == Classroom::default() {
            return text;
        }
        let options = serde_json::to_string(self).expect("options serialise");
        // The run's object with one more field.
        format!("{},\"classroom\":{options}}}", &text[..text.len() - 1])
    }

    pub fn hides(&self, panel: Panel) -> bool {
        self.hide.contains(&panel)
    }

    /// The page's `data-hide` attribute: the hidden panels' keys.
    pub fn hidden_keys(&self) -> String {
        let keys: Vec<&str> = self.hide.iter().map(|p| p.key()).collect();
        keys.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::lessons::Lesson;

    fn run() -> RunLink {
        RunLink {
            lesson: Lesson::VanishingGradients,
            settings: Lesson::VanishingGradients.defaults(),
            lang: crate::i18n::Lang::Zh,
        }
    }

    #[test]
    fn options_round_trip_beside_the_run_and_a_plain_link_has_none() {
        let c = Classroom {
            step: Some(2),
            hide: vec![Panel::Controls, Panel::Exports],
            locked: true,
            theme: Theme::Projector,
        };
        let text = c.link_text(&run());
        assert_eq!(RunLink::from_text(&text).unwrap(), run());
        assert_eq!(Classroom::from_link(&text).unwrap(), c);
        let plain = run().to_text();
        assert_eq!(Classroom::default().link_text(&run()), plain);
        assert_eq!(Classroom::from_link(&plain).unwrap(), Classroom::default());
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        let base = run().to_text();
        let with = |c: &str| format!("{},\"classroom\":{c}}}", &base[..base.len() - 1]);
        for bad in [
            r#"{"hide":["everything"]}"#,
            r#"{"theme":"neon"}"#,
            r#"{"step":0}"#,
            r#"{"step":-1}"#,
            r#"{"lockd":true}"#,
            r#"{"hide":["data","data","data","data","data","data","data"]}"#,
        ] {
            let e = Classroom::from_link(&with(bad)).unwrap_err();
            assert_eq!(e.key(), Some("err.classroom"), "{bad}");
        }
        assert!(Classroom::from_link(&with(r#"{"hide":["tabs"]}"#)).is_ok());
    }
}
