//! The Content-Security-Policy of pages: scripts run only if they carry this response's nonce
//! (the hydration script and the resources inlined with the page do) or were loaded by one that
//! does (`'strict-dynamic'`: the app's module and its lazily split parts); WASM may compile;
//! everything else comes from the panel itself, and nobody may frame it.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of a rendered page's first inline script (`<script nonce="…">`): Leptos gives
/// every script of one response the same one. `None` unless it is plain base64url, so nothing
/// else can reach the header.
pub fn page_nonce(page: &[u8]) -> Option<&str> {
    const MARK: &[u8] = b" nonce=\"";
    let start = page.windows(MARK.len()).position(|w| w == MARK)? + MARK.len();
    let len = page[start..].iter().position(|b| *b == b'"')?;
    let nonce = std::str::from_utf8(&page[start..start + len]).ok()?;
    let plain = !nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then_some(nonce)
}

/// For every other answer (server functions, files, errors): nothing may load or run.
pub const NON_PAGE_POLICY: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_trust_their_nonce_and_nothing_inline_without_it() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn the_page_nonce_is_read_from_its_scripts_and_nothing_else_passes() {
        let page = br#"<html><head><script nonce="ET_j2wnp7-OhriI3YW4HbA">x</script>"#;
        assert_eq!(page_nonce(page), Some("ET_j2wnp7-OhriI3YW4HbA"));
        assert_eq!(page_nonce(b"<html><p>no scripts</p></html>"), None);
        assert_eq!(page_nonce(br#"<script nonce="">"#), None);
        assert_eq!(page_nonce(br#"<script nonce="a'; script-src *">"#), None);
        assert_eq!(page_nonce(br#"<script nonce="unterminated"#), None);
    }
}
