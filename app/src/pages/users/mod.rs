mod edit;
mod list;
mod new;

pub use edit::EditUserPage;
pub use list::UsersPage;
pub use new::NewUserPage;
