//! Getting bytes into the page: a picked or dropped file, or one of the page's own sample
//! files (fetched from the same origin; the app makes no other requests).

use crate::i18n::tr;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, Response};

use crate::data::table::MAX_BYTES;

fn js_error(what: &str, e: wasm_bindgen::JsValue) -> String {
    format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    )
}

/// Reads a user's file, refusing one over the size limit before reading it.
pub async fn read_file(file: File) -> Result<Vec<u8>, String> {
    let size = file.size() as usize;
    if size > MAX_BYTES {
        return Err(crate::data::table::CsvError::TooLarge { bytes: size }.to_string());
    }
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| js_error(tr("file.read_failed"), e))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Fetches one of the page's own files (e.g. `data/stock_like_synthetic.csv`); an error
/// names the file.
pub async fn fetch_own(path: &str) -> Result<Vec<u8>, String> {
    fetch_bytes(path).await.map_err(|e| format!("{path}: {e}"))
}

async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or_else(|| tr("file.no_window").to_string())?;
    let resp = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|e| js_error(tr("file.fetch_failed"), e))?;
    let resp: Response = resp
        .dyn_into()
        .map_err(|_| tr("file.not_response").to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(
        resp.array_buffer()
            .map_err(|e| js_error(tr("file.no_body"), e))?,
    )
    .await
    .map_err(|e| js_error(tr("file.read_failed"), e))?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Fetches the words of `lang`: its catalogue's JSON text (`www/i18n`).
pub async fn fetch_words(lang: crate::i18n::Lang) -> Result<String, String> {
    let file = lang.file();
    let bytes = fetch_own(file).await?;
    String::from_utf8(bytes).map_err(|e| format!("{file}: {e}"))
}

/// Offers `text` as a file download named `name` (a Blob URL on a temporary link).
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_error(tr("file.make_failed"), e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| js_error(tr("file.make_failed"), e))?;
    // Not revoked: revoking right after the click can cancel the download; one small Blob
    // per click lives until the page closes.
    download_url(name, &url)
}

/// Saves what `url` points at (a Blob or data URL) as `name`.
pub fn download_url(name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| tr("file.no_window").to_string())?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_error(tr("file.link_failed"), e))?
        .dyn_into()
        .map_err(|_| tr("file.link_failed").to_string())?;
    a.set_href(url);
    a.set_download(name);
    a.click();
    Ok(())
}
