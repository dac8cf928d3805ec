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
}
