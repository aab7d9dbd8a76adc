// The training worker's script: a module worker that runs the page's own wasm, so the page
// ships one wasm and one set of bindings, not two (src/ui/worker.rs starts it).
//
// Its first message is from the page: the URL of the page's bindings (their file name is
// hashed by the build, so only the page knows it) and the wasm module the page compiled.
// It instantiates that module here; the module's start (src/main.rs) sees it runs in a
// worker and starts the training side (src/worker.rs), which takes over `onmessage` and
// posts "ready". A start that fails is thrown from here, so the page hears the worker's
// `error` event and says so.
self.onmessage = async ({ data }) => {
  self.onmessage = null;
  try {
    const bindings = await import(data.bindings);
    await bindings.default({ module_or_path: data.module });
  } catch (e) {
    setTimeout(() => {
      throw new Error(`the training worker could not start: ${e}`);
    });
  }
};
