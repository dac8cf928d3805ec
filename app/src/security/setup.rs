//! The one-time setup token: printed at start while no administrator exists, good for one use.
//! Only its SHA-256 is kept, in the database, so the token any instance printed opens the setup
//! whichever instance the browser reaches; the setup's transaction deletes them all.
use super::session::{new_token, token_hash};
use crate::store::{Store, StoreError};

/// Keeps a new token's hash and returns the token, to print on the operator's console.
pub async fn arm(store: &dyn Store, now: i64) -> Result<String, StoreError> {
    let token = new_token();
    store.keep_setup_token(&token_hash(&token), now).await?;
    Ok(token)
}

/// What the store keeps of a token as typed (spaces around it ignored).
pub fn typed_token_hash(typed: &str) -> Vec<u8> {
    token_hash(typed.trim())
}
