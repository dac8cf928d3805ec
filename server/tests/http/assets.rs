//! The built files under /pkg/: sent as the build compressed them, kept by browsers for a year
//! when their names carry the build's hash, while pages stay uncached.
use crate::support::panel::panel;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::io::Write;
use tower::ServiceExt;

const HASHED: &str = "postmaster.0bLq3MkRfKz1xWvY2nT8Ag.wasm";

/// A site as `cargo leptos build` and `scripts/precompress.sh` leave it, with copies whose bytes
/// tell which one was sent.
fn built_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(pkg.join("snippets")).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        std::fs::File::create(pkg.join(name))
            .unwrap()
            .write_all(bytes)
            .unwrap()
    };
    write(HASHED, b"\0asm plain");
    write(&format!("{HASHED}.br"), b"brotli bytes");
    write(&format!("{HASHED}.gz"), b"gzip bytes");
    write("snippets/inline0.js", b"export function f() {}");
    site
}

async fn fetch(
    router: &axum::Router,
    uri: &str,
    encodings: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(uri)
        .header(header::ACCEPT_ENCODING, encodings)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn built_files_are_sent_precompressed_and_kept_for_a_year() {
    let site = built_site();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("postmaster")
        .site_root(site.path().to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build();
    let panel = panel().await;
    let router = server::router(panel.state.clone(), options);
    let uri = format!("/pkg/{HASHED}");

    let (status, headers, body) = fetch(&router, &uri, "gzip, deflate, br, zstd").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"brotli bytes", "the build's Brotli copy, as it is");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let (_, headers, body) = fetch(&router, &uri, "gzip").await;
    assert_eq!(body, b"gzip bytes");
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    let (_, headers, body) = fetch(&router, &uri, "identity").await;
    assert_eq!(body, b"\0asm plain");
    assert!(headers.get(header::CONTENT_ENCODING).is_none());

    // A name without the hash may change under the same name: asked again each time.
    let (status, headers, body) = fetch(&router, "/pkg/snippets/inline0.js", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body, b"export function f() {}",
        "nothing compressed on the fly"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

    let (status, headers, _) = fetch(&router, "/pkg/missing.js", "br").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_ne!(
        headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(b"public, max-age=31536000, immutable".as_slice())
    );

    // Pages are still made per request, compressed per request, and never cached.
    let (status, headers, _) = fetch(&router, "/login", "br").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
}
