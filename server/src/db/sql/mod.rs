//! The SQL of every `Store` method, written once by feature. Each module is a macro that
//! implements its feature trait for a back end; `stamp_store!` expands them all for the store
//! type it is given, so the bodies compile against that back end's concrete sqlx types (generic
//! bounds over `sqlx::Database` for every executor, bind and row type would drown the SQL).
//! What differs between the back ends comes from their `Dialect` impl, nothing else.
pub mod addresses;
pub mod app_passwords;
pub mod attempts;
pub mod audit;
pub mod imports;
pub mod list;
pub mod mail;
pub mod organisation;
pub mod sessions;
pub mod shared;
pub mod shared_mailboxes;
pub mod two_factor;
pub mod users;

/// Implements every store trait for `$store`, a type that implements `Dialect`.
macro_rules! stamp_store {
    ($store:ty) => {
        $crate::db::sql::shared::helpers!($store);
        $crate::db::sql::sessions::sessions!($store);
        $crate::db::sql::organisation::organisation!($store);
        $crate::db::sql::users::users!($store);
        $crate::db::sql::addresses::addresses!($store);
        $crate::db::sql::imports::imports!($store);
        $crate::db::sql::mail::mail!($store);
        $crate::db::sql::audit::audit!($store);
        $crate::db::sql::two_factor::two_factor!($store);
        $crate::db::sql::app_passwords::app_passwords!($store);
        $crate::db::sql::shared_mailboxes::shared_mailboxes!($store);
        $crate::db::sql::attempts::attempts!($store);
    };
}
pub(crate) use stamp_store;
