//! The page: header, the controls column, the run bar, the story (prediction, loss, the cell
//! diagram and heatmaps), the tabs one click away, and the downloads.

use super::*;

impl App {
    pub(super) fn page(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let m = self.shown.as_ref();
        let now = m.map(|m| &m.now);
        let config = m.map(|m| &m.info.config);
        let lang = crate::i18n::current();
        let epoch = AttrValue::from(self.chart_epoch());
        let blank = || Painter::new(String::new(), |_| ());
        // The run shown was built from the file the data panel shows: its window preview.
        let csv_run = m
            .filter(|m| {
                self.on_csv
                    && m.info.file.is_some()
                    && m.info.file == self.csv.as_ref().map(|c| c.file)
            })
            .map(|m| m.info.clone());
        let playing = now.is_some_and(|v| v.playing);
        let recursive = now.is_some_and(|v| v.recursive);
        let per_frame = now.and_then(|v| v.steps_per_frame);
        html! {
            <>
                <header class="top">
                    <h1>{ tr("app.title") }</h1>
                    <p class="tagline">{ tr("app.tagline") }</p>
                    <label class="lang" title={tr("lang.tip")}>
                        <span class="sr-only">{ tr("lang.label") }</span>
                        <select id="lang" onchange={link.callback(|e: Event| Msg::Lang(
                            crate::i18n::Lang::ALL.into_iter().find(|l| l.tag() == select_value(&e)).unwrap_or_default()
                        ))}>
                            { for crate::i18n::Lang::ALL.iter().map(|l| html! {
                                <option value={l.tag()} selected={*l == crate::i18n::current()}>{ l.own_name() }</option>
                            }) }
                        </select>
                    </label>
                </header>
                <main class="layout">
                    <section class="panel controls" aria-label={tr("aria.controls")} key={self.controls_key.to_string()}>
                        <LessonPicker lang={crate::i18n::current()} lesson={self.lesson} on_csv={self.on_csv} on={self.emit.clone()} />
                        <DataPanel lang={lang} csv={self.csv.clone()} error={self.csv_error.clone()} signal={self.signal}
                            run={csv_run} on={self.emit.clone()} />
                        <ModelControls lang={crate::i18n::current()} settings={self.settings} on={self.emit.clone()} />
                    </section>
                    <section class="panel charts" aria-label={tr("aria.charts")}>
                        <RunBar lang={crate::i18n::current()} playing={playing} actions={self.actions.clone()}
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
                            }}
                            scores={now.map_or([None, None], |v| v.scores.clone())}
                            classify={m.is_some_and(|m| m.info.classify)} />
                        <Banners lang={crate::i18n::current()} error={self.error.as_ref().map(ToString::to_string)}
                            diverged_at={now.and_then(|v| v.diverged_at)} hint={self.not_learning()}
                            notice={self.notice.as_ref().map(ToString::to_string)} on={self.emit.clone()} />
                        <div class="story">
                        <div class="story-main">
                        <ChartCanvas id="prediction-chart" width={900} height={360}
                            painter={m.map_or_else(blank, |m| self.prediction_painter(m))} />
                        <div class="chart-options">
                            <label for="test-mode" title={tr("options.test_tip")}>{ tr("options.test") }</label>
                            <select id="test-mode" onchange={link.callback(|e: Event| Msg::Recursive(select_value(&e) == "recursive"))}>
                                <option value="one-step" selected={!recursive}>{ tr("options.one_step") }</option>
                                <option value="recursive" selected={recursive}>{ tr("options.recursive") }</option>
                            </select>
                            if let Some(e) = now.and_then(|v| v.forecast_error.as_ref()) {
                                <span class="warn" role="status">{ trf("options.forecast_failed", &[("e", e)]) }</span>
                            }
                            <label for="loss-scale" title={tr("options.loss_tip")}>{ tr("options.loss") }</label>
                            <select id="loss-scale" onchange={link.callback(|e: Event| Msg::LossScale(if select_value(&e) == "linear" { LossScale::Linear } else { LossScale::Log }))}>
                                <option value="log" selected={self.loss_scale == LossScale::Log}>{ tr("options.log") }</option>
                                <option value="linear" selected={self.loss_scale == LossScale::Linear}>{ tr("options.linear") }</option>
                            </select>
                            <label for="speed" title={tr("options.speed_tip")}>{ tr("options.speed") }</label>
                            <select id="speed" onchange={link.callback(|e: Event| Msg::Speed(select_value(&e).parse().ok()))}>
                                <option value="1" selected={per_frame == Some(1)}>{ tr("options.one_per_frame") }</option>
                                <option value="10" selected={per_frame == Some(10)}>{ tr("options.ten_per_frame") }</option>
                                <option value="max" selected={per_frame.is_none()}>{ tr("options.fastest") }</option>
                            </select>
                            <span class="lr" id="current-lr" title={tr("options.current_lr_tip")}>{ trf("options.current_lr", &[("lr", &now.filter(|v| v.learning_rate > 0.0).map_or(self.settings.learning_rate, |v| v.learning_rate))]) }</span>
                        </div>
                        <ChartCanvas id="loss-chart" width={900} height={380}
                            painter={m.map_or_else(blank, |m| self.loss_painter(m))} />
                        </div>
                        <div class="story-cell">
                            { self.step_through() }
                            if let Some(m) = m {
                                <Heatmaps key={m.id} lang={lang} epoch={epoch.clone()} kind={m.info.config.cell}
                                    window={m.info.window} hidden={m.info.config.hidden_size}
                                    saturation={m.now.saturation.unwrap_or(0.0)} cell={m.cell.clone()}
                                    layers={m.info.config.layers} dirs={if m.info.config.bidirectional { 2 } else { 1 }}
                                    batch={m.info.config.batch_size} on={self.emit.clone()} />
                            }
                        </div>
                        </div>
                        <div class="tabs" role="tablist" aria-label={tr("tab.aria")} onkeydown={self.tab_keys.clone()}>
                            { for Tab::ALL.iter().map(|&t| html! {
                                <button role="tab" id={format!("tab-{}", t.id())} aria-controls={format!("panel-{}", t.id())}
                                    aria-selected={(t == self.tab).to_string()} tabindex={if t == self.tab { "0" } else { "-1" }}
                                    onclick={link.callback(move |_| Msg::Tab(t))}>{ tr(t.key()) }</button>
                            }) }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-flow" aria-labelledby="tab-flow" hidden={self.tab != Tab::Flow}>
                            { self.flow_view() }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-equations" aria-labelledby="tab-equations" hidden={self.tab != Tab::Equations}>
                            if let Some(m) = m {
                                <Equations lang={lang} kind={m.info.config.cell} cell={m.cell.clone()} />
                            }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-compare" aria-labelledby="tab-compare" hidden={self.tab != Tab::Compare}>
                            if let Some(m) = m {
                                <ComparePanel lang={lang} epoch={epoch.clone()} runs={m.compare.clone()} info={m.info.clone()}
                                    x_labels={self.x_labels.clone()} on={self.emit.clone()} />
                            }
                        </div>
                        <div class="exports" role="group" aria-label={tr("export.aria")}>
                            <span>{ tr("export.label") }</span>
                            <button id="export-weights" title={tr("export.weights_tip")} onclick={link.callback(|_| Msg::Export(Export::Weights))}>{ tr("export.weights") }</button>
                            <button id="export-bundle" title={tr("export.bundle_tip")} onclick={link.callback(|_| Msg::Export(Export::PyTorchBundle))}>{ tr("export.bundle") }</button>
                            <button id="export-script" title={tr("export.script_tip")} onclick={link.callback(|_| Msg::Export(Export::PyTorchScript))}>{ tr("export.script") }</button>
                            <button id="export-predictions" title={tr("export.predictions_tip")} onclick={link.callback(|_| Msg::Export(Export::Predictions))}>{ tr("export.predictions") }</button>
                            <button id="export-history" title={tr("export.history_tip")} onclick={link.callback(|_| Msg::Export(Export::History))}>{ tr("export.history") }</button>
                            <button id="export-prediction-png" title={tr("export.prediction_png_tip")} onclick={link.callback(|_| Msg::Export(Export::PredictionChart))}>{ tr("export.prediction_png") }</button>
                            <button id="export-loss-png" title={tr("export.loss_png_tip")} onclick={link.callback(|_| Msg::Export(Export::LossChart))}>{ tr("export.loss_png") }</button>
                        </div>
                    </section>
                </main>
            </>
        }
    }

    /// The step-through's controls over the cell diagram, once the run has a trace.
    fn step_through(&self) -> Html {
        let Some(m) = &self.shown else {
            return Html::default();
        };
        let lang = crate::i18n::current();
        let kind = m.info.config.cell;
        let Some((cell, st)) = traced(&m.cell) else {
            return html! {
                <div class="step-controls">
                    <div class="chart-options"><strong>{ tr("step.title") }</strong><span>{ tr("step.waiting") }</span></div>
                    <div class="cell-diagram-box"></div>
                </div>
            };
        };
        html! {
            <div class="step-controls">
                <StepControls lang={lang} t={st.t} unit={st.unit} last={cell.steps.saturating_sub(1)}
                    hidden={m.info.config.hidden_size} watch={cell.watch} playing={self.t_playing.is_some()}
                    on={self.emit.clone()} />
                <CellDiagram lang={lang} kind={kind} cell={m.cell.clone()} />
            </div>
        }
    }
}
