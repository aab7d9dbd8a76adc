//! The page: header, the controls column, the run bar, the story (prediction, loss, the cell
//! diagram and heatmaps), the tabs one click away, and the downloads.

use super::*;
use crate::charts::LossScale;
use crate::ui::classroom::ClassroomPanel;
use crate::ui::help::Help;
use crate::ui::state::{Panel, Theme, TourChange, TrainingChange};
use crate::ui::tour::TourCard;

/// A chart's text alternative: `key` worded with the run's numbers (a dash for those it
/// does not have yet).
pub(super) fn chart_alt(key: &str, m: &Mirror) -> AttrValue {
    use crate::ui::state::tour::Fact;
    let facts = [
        Fact::Steps,
        Fact::R2Val,
        Fact::R2Test,
        Fact::Accuracy,
        Fact::FirstLoss,
        Fact::Loss,
        Fact::ValLoss,
        Fact::Reach,
        Fact::Window,
    ];
    let shown: Vec<(&str, String)> = facts
        .iter()
        .map(|f| (f.name(), f.shown(m).unwrap_or_else(|| "–".into())))
        .collect();
    AttrValue::from(worded(key, &shown))
}

/// A chart's text alternative, with the dates its x axis runs between (a file's time
/// column) when it has them.
fn with_span(alt: AttrValue, labels: Option<&[String]>) -> AttrValue {
    match labels {
        Some([first, .., last]) => AttrValue::from(format!(
            "{alt} {}",
            crate::i18n::trf("chart.alt_span", &[("first", first), ("last", last)])
        )),
        _ => alt,
    }
}

/// `key` worded with the facts' words by name (as [`crate::ui::state::tour::facts_of`]
/// gives them).
fn worded(key: &str, facts: &[(&str, String)]) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> = facts
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    trf(key, &args)
}

/// The downloads: the button's id, its label's catalogue key (and `…_tip` its tooltip's),
/// and what it saves.
const EXPORTS: [(&str, &str, Export); 7] = [
    ("export-weights", "export.weights", Export::Weights),
    ("export-bundle", "export.bundle", Export::PyTorchBundle),
    ("export-script", "export.script", Export::PyTorchScript),
    (
        "export-predictions",
        "export.predictions",
        Export::Predictions,
    ),
    ("export-history", "export.history", Export::History),
    (
        "export-prediction-png",
        "export.prediction_png",
        Export::PredictionChart,
    ),
    ("export-loss-png", "export.loss_png", Export::LossChart),
];

impl App {
    pub(super) fn page(&self) -> Html {
        let on = &self.on;
        let m = self.page.shown.as_ref();
        let now = m.map(|m| &m.now);
        let config = m.map(|m| &m.info.config);
        let lang = crate::i18n::current();
        let epoch = AttrValue::from(self.chart_epoch());
        let blank = || Painter::new(String::new(), |_| ());
        // The run shown was built from the file the data panel shows: its window preview.
        let csv_run = m
            .filter(|m| {
                self.page.on_csv
                    && m.info.file.is_some()
                    && m.info.file == self.page.csv.as_ref().map(|c| c.file)
            })
            .map(|m| m.info.clone());
        let playing = now.is_some_and(|v| v.playing);
        let recursive = now.is_some_and(|v| v.recursive);
        let per_frame = now.and_then(|v| v.steps_per_frame);
        let classroom = &self.page.classroom;
        html! {
            <>
                <header class="top">
                    <h1>{ tr("app.title") }</h1>
                    <p class="tagline">{ tr("app.tagline") }</p>
                    <div class="top-actions">
                    <button id="present" class="present-toggle" aria-pressed={self.page.presenting.is_some().to_string()}
                        title={tr("present.tip")} onclick={on.reform({
                            let presenting = self.page.presenting.is_some();
                            move |_| Action::Present(!presenting)
                        })}>{ tr(if self.page.presenting.is_some() { "present.stop" } else { "present.start" }) }</button>
                    <button id="theme" class="theme-toggle" aria-pressed={(self.page.classroom.theme == Theme::Projector).to_string()}
                        title={tr("theme.tip")} onclick={on.reform({
                            let projector = self.page.classroom.theme == Theme::Projector;
                            move |_| Action::Theme(if projector { Theme::Standard } else { Theme::Projector })
                        })}>{ tr("theme.projector") }</button>
                    if !self.page.tour.open && self.page.topic().is_some() {
                        <button id="tour-open" class="tour-open" title={tr("tour.open_tip")}
                            onclick={on.reform(|_| Action::Tour(TourChange::Open(true)))}>{ tr("tour.open") }</button>
                    }
                    <label class="lang" title={tr("lang.tip")}>
                        <span class="sr-only">{ tr("lang.label") }</span>
                        <select id="lang" key={self.page.controls_key.to_string()} onchange={on.reform(|e: Event| Action::Lang(
                            crate::i18n::Lang::ALL.into_iter().find(|l| l.tag() == select_value(&e)).unwrap_or_default()
                        ))}>
                            { for crate::i18n::Lang::ALL.iter().map(|l| html! {
                                <option value={l.tag()} selected={*l == lang}>{ l.own_name() }</option>
                            }) }
                        </select>
                    </label>
                    </div>
                    <div id="announce" class="sr-only" role="status" aria-live="polite">
                        { self.page.announce.as_ref().map(ToString::to_string).unwrap_or_default() }
                    </div>
                </header>
                <main class="layout" data-hide={if self.page.presenting.is_some() { format!("{} controls", classroom.hidden_keys()) } else { classroom.hidden_keys() }}>
                    if !classroom.hides(Panel::Controls) && self.page.presenting.is_none() {
                    <section class="panel controls" aria-label={tr("aria.controls")} key={self.page.controls_key.to_string()}>
                        if classroom.locked {
                            <p class="locked-note" id="locked-note">{ tr("classroom.locked_note") }</p>
                        }
                        <fieldset class="lockable" disabled={classroom.locked}>
                        <LessonPicker lang={lang} lesson={self.page.lesson} on_csv={self.page.on_csv} on={self.on.clone()} />
                        if !classroom.hides(Panel::Data) {
                        <DataPanel lang={lang} csv={self.page.csv.clone()} error={self.page.csv_error.clone()}
                            loading={self.page.loading.as_ref().map(|l| (l.name.clone(), (l.done * 100.0) as u32))} signal={self.page.signal}
                            run={csv_run} on={self.on.clone()} on_load={self.on_load.clone()} />
                        }
                        if !classroom.hides(Panel::Model) {
                        <ModelControls lang={lang} settings={self.page.settings} on={self.on.clone()} />
                        }
                        </fieldset>
                        <ClassroomPanel lang={lang} lesson={self.page.lesson} link={self.page.run_link()} />
                    </section>
                    }
                    <section class="panel charts" aria-label={tr("aria.charts")}>
                        if let (true, Some(topic)) = (self.page.tour.open, self.page.topic()) {
                            <TourCard lang={lang} lesson={self.page.lesson} topic={topic} tour={self.page.tour.clone()}
                                measured={self.tour_measured()} on={self.on.clone()} />
                        }
                        <RunBar lang={lang} playing={playing} actions={self.actions.clone()}
                            stats={RunStats {
                                run: m.map_or(0, |m| m.id),
                                busy: now.is_some_and(|v| v.busy),
                                steps: now.map_or(0, |v| v.steps),
                                epoch: now.map_or(0, |v| v.epoch),
                                // Shown for steps that span frames (for short ones it would only flicker).
                                progress: now.and_then(|v| v.progress),
                                loss: now.and_then(|v| v.last_loss),
                                val_loss: m.and_then(Mirror::validation_loss),
                                rate: now.map_or(0.0, |v| v.rate),
                                cell: config.map_or("", |c| c.cell.name()),
                                lr: config.map(|c| c.learning_rate),
                                batch: config.map(|c| c.batch_size),
                                memory: now.map_or(0, |v| v.memory),
                                held_out: m.is_none_or(|m| m.info.held_out),
                            }}
                            scores={now.map_or([None, None], |v| v.scores.clone())}
                            classify={m.is_some_and(|m| m.info.classify)} />
                        <Banners lang={lang} error={self.page.error.as_ref().map(ToString::to_string)}
                            diverged_at={now.and_then(|v| v.diverged_at)} hint={self.page.not_learning()}
                            schedule={self.page.settings.schedule} locked={self.page.classroom.locked} on_csv={self.page.running.on_csv}
                            notice={self.page.notice.as_ref().map(ToString::to_string)} on={self.on.clone()} />
                        <div class="story">
                        <div class="story-main">
                        <div class="view">
                        <Help lang={lang} topic="prediction" />
                        <ChartCanvas id="prediction-chart" width={900} height={360} label={m.map(|m| with_span(chart_alt("chart.alt_prediction", m), self.page.x_labels.as_deref()))}
                            painter={m.map_or_else(blank, |m| self.prediction_painter(m, &epoch))} />
                        </div>
                        <div class="chart-options">
                            <label for="test-mode" title={tr("options.test_tip")}>{ tr("options.test") }</label>
                            <select id="test-mode" onchange={on.reform(|e: Event| Action::Training(TrainingChange::Recursive(select_value(&e) == "recursive")))}>
                                <option value="one-step" selected={!recursive}>{ tr("options.one_step") }</option>
                                <option value="recursive" selected={recursive}>{ tr("options.recursive") }</option>
                            </select>
                            if let Some(e) = now.and_then(|v| v.forecast_error.as_ref()) {
                                <span class="warn" role="status">{ trf("options.forecast_failed", &[("e", e)]) }</span>
                            }
                            if m.is_some_and(|m| m.info.config.stateful) {
                                <span id="prediction-mode" class="note" title={tr("options.carried_tip")}>{ tr("options.carried") }</span>
                            }
                            <label for="loss-scale" title={tr("options.loss_tip")}>{ tr("options.loss") }</label>
                            <select id="loss-scale" onchange={on.reform(|e: Event| Action::Show(ShowChange::LossScale(if select_value(&e) == "linear" { LossScale::Linear } else { LossScale::Log })))}>
                                <option value="log" selected={self.page.loss_scale == LossScale::Log}>{ tr("options.log") }</option>
                                <option value="linear" selected={self.page.loss_scale == LossScale::Linear}>{ tr("options.linear") }</option>
                            </select>
                            <label for="speed" title={tr("options.speed_tip")}>{ tr("options.speed") }</label>
                            <select id="speed" onchange={on.reform(|e: Event| Action::Training(TrainingChange::Speed(select_value(&e).parse().ok())))}>
                                <option value="1" selected={per_frame == Some(1)}>{ tr("options.one_per_frame") }</option>
                                <option value="10" selected={per_frame == Some(10)}>{ tr("options.ten_per_frame") }</option>
                                <option value="max" selected={per_frame.is_none()}>{ tr("options.fastest") }</option>
                            </select>
                            <span class="lr" id="current-lr" title={tr("options.current_lr_tip")}>{ trf("options.current_lr", &[("lr", &now.filter(|v| v.learning_rate > 0.0).map_or(self.page.settings.learning_rate, |v| v.learning_rate))]) }</span>
                        </div>
                        <div class="view">
                        <Help lang={lang} topic="loss" />
                        <ChartCanvas id="loss-chart" width={900} height={380} label={m.map(|m| chart_alt("chart.alt_loss", m))}
                            painter={m.map_or_else(blank, |m| self.loss_painter(m, &epoch))} />
                        </div>
                        </div>
                        <div class="story-cell">
                            <div class="view">
                            <Help lang={lang} topic="cell" />
                            { self.step_through() }
                            </div>
                            <div class="view">
                            <Help lang={lang} topic="heatmaps" />
                            if let Some(m) = m {
                                <Heatmaps key={m.id} lang={lang} epoch={epoch.clone()} kind={m.info.config.cell}
                                    window={m.info.window} hidden={m.info.config.hidden_size}
                                    saturation={m.now.saturation.unwrap_or(0.0)} cell={m.cell.clone()}
                                    layers={m.info.config.layers} dirs={if m.info.config.bidirectional { 2 } else { 1 }}
                                    batch={m.info.config.batch_size} on={self.on.clone()} />
                            }
                            </div>
                        </div>
                        </div>
                        <div class="tabs" role="tablist" aria-label={tr("tab.aria")} onkeydown={self.tab_keys.clone()}>
                            { for Tab::ALL.iter().map(|&t| html! {
                                <button role="tab" id={format!("tab-{}", t.id())} aria-controls={format!("panel-{}", t.id())}
                                    aria-selected={(t == self.page.tab).to_string()} tabindex={if t == self.page.tab { "0" } else { "-1" }}
                                    onclick={on.reform(move |_| Action::Show(ShowChange::Tab(t)))}>{ tr(t.key()) }</button>
                            }) }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-flow" aria-labelledby="tab-flow" hidden={self.page.tab != Tab::Flow}>
                            <Help lang={lang} topic="flow" />
                            { self.flow_view(&epoch) }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-equations" aria-labelledby="tab-equations" hidden={self.page.tab != Tab::Equations}>
                            <Help lang={lang} topic="equations" />
                            if let Some(m) = m {
                                <Equations lang={lang} kind={m.info.config.cell} cell={m.cell.clone()} />
                            }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-compare" aria-labelledby="tab-compare" hidden={self.page.tab != Tab::Compare}>
                            <Help lang={lang} topic="compare" />
                            if let Some(m) = m {
                                <ComparePanel lang={lang} epoch={epoch.clone()} runs={m.compare.clone()} info={m.info.clone()}
                                    x_labels={self.page.x_labels.clone()} on={self.on.clone()} />
                            }
                        </div>
                        <div class="exports" role="group" aria-label={tr("export.aria")}>
                            <span>{ tr("export.label") }</span>
                            { for EXPORTS.iter().map(|&(id, key, what)| html! {
                                <button id={id} title={tr(&format!("{key}_tip"))} onclick={on.reform(move |_| Action::Export(what))}>{ tr(key) }</button>
                            }) }
                        </div>
                    </section>
                </main>
            </>
        }
    }

    /// The tour step's sentence with the run's numbers: a question's once revealed (the
    /// numbers then), another step's as the run has them now.
    fn tour_measured(&self) -> Option<String> {
        let step = self.page.tour_step()?;
        if step.facts.is_empty() {
            return None;
        }
        let facts = match (&step.question, &self.page.tour.revealed) {
            (Some(_), Some(r)) => r.facts.clone(),
            (Some(_), None) => return None,
            (None, _) => crate::ui::state::tour::facts_of(step, self.page.shown.as_ref()?)?,
        };
        Some(worded(&format!("{}.run", step.key), &facts))
    }

    /// The step-through's controls over the cell diagram, once the run has a trace.
    fn step_through(&self) -> Html {
        let Some(m) = &self.page.shown else {
            return Html::default();
        };
        let lang = crate::i18n::current();
        let kind = m.info.config.cell;
        let Some((cell, st)) = traced(&m.cell) else {
            return html! {
                <div class="step-controls" id="step-controls">
                    <div class="chart-options"><strong>{ tr("step.title") }</strong><span>{ tr("step.waiting") }</span></div>
                    <div class="cell-diagram-box"></div>
                </div>
            };
        };
        html! {
            <div class="step-controls" id="step-controls">
                <StepControls lang={lang} t={st.t} unit={st.unit} last={cell.steps.saturating_sub(1)}
                    hidden={m.info.config.hidden_size} watch={cell.watch} playing={self.page.t_playing.is_some()}
                    on={self.on.clone()} />
                <CellDiagram lang={lang} kind={kind} cell={m.cell.clone()} />
            </div>
        }
    }
}
