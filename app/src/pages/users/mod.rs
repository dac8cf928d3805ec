mod list;
mod new;

pub use list::UsersPage;
pub use new::NewUserPage;
