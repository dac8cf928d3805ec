mod edit;
mod list;
mod new;

pub use edit::EditUserPage;
pub use list::UsersPage;
pub use new::NewUserPage;

use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The account types as (value, label) pairs for a drop-down, in the reader's language.
fn account_type_options(i18n: I18nContext<Locale>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        vec![
            ("basic".to_owned(), t_string!(i18n, type_basic).to_string()),
            (
                "enhanced".to_owned(),
                t_string!(i18n, type_enhanced).to_string(),
            ),
        ]
    })
}
