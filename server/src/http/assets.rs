//! The site's built files under `/pkg/`: served from disk as the build left them, with the
//! Brotli or gzip copy the build wrote beside each (`scripts/precompress.sh`) when the browser
//! takes it, so no request pays for compressing them. The build puts a content hash in their
//! names (cargo-leptos's `hash-files`), so a browser may keep them for a year without asking
//! again: a new build has new names, which the pages it renders point to.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::Path;
use tower_http::services::ServeDir;

/// For names with a content hash: the same name always holds the same bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For a name without one (wasm-bindgen's snippets, a development build): ask each time; the
/// answer is a 304 while the file is unchanged.
const REVALIDATE: &str = "no-cache";

/// `/pkg/*` from `site_root/site_pkg_dir`.
pub fn router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(middleware::from_fn(cache_for))
}

async fn cache_for(req: Request, next: Next) -> Response {
    let hashed = has_content_hash(req.uri().path());
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}

/// Whether the file name carries the build's content hash: a dot-separated part of 22
/// characters of URL-safe base64 (an MD5), as in `postmaster.0bLq3MkRfKz1xWvY2nT8Ag.wasm`.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    !path.contains("/snippets/")
        && name.split('.').any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::has_content_hash;

    #[test]
    fn only_names_with_the_builds_hash_are_kept_for_a_year() {
        assert!(has_content_hash(
            "/pkg/postmaster.0bLq3MkRfKz1xWvY2nT8Ag.wasm"
        ));
        assert!(has_content_hash(
            "/pkg/__wasm_split.0bLq3MkRf-z1xWvY2nT8_g.js"
        ));
        assert!(!has_content_hash("/pkg/postmaster.wasm"));
        assert!(!has_content_hash("/pkg/postmaster_bg.wasm"));
        assert!(!has_content_hash(
            "/pkg/snippets/app-0bLq3MkRfKz1xWvY2nT8Ag/inline0.0bLq3MkRfKz1xWvY2nT8Ag.js"
        ));
    }
}
