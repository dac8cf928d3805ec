//! One module per route.
mod address_fields;
mod domains;
mod layout;
mod lists;
mod login;
mod overview;
mod settings;
mod setup;
pub mod users;

pub use domains::DomainsPage;
pub use layout::AdminLayout;
pub use lists::{ListPage, ListsPage};
pub use login::LoginPage;
pub use overview::OverviewPage;
pub use settings::SettingsPage;
pub use setup::SetupPage;
