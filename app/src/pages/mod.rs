//! One module per route.
mod layout;
mod login;
mod setup;
pub mod users;

pub use layout::AdminLayout;
pub use login::LoginPage;
pub use setup::SetupPage;
