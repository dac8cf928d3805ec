//! Command line: serve (the default) and `admin create` for the first administrator.
use app::model::EmailAddress;
use app::model::PasswordPolicy;
use app::security::password::hash_password;
use app::store::{NewOrganisation, Store};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};

#[derive(Parser)]
#[command(
    name = "postmaster",
    about = "Postmaster: the mailbox admin panel",
    version
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the panel (the default).
    Serve,
    /// Fill the organisation of an account administrator with generated mailboxes (realistic
    /// names, several domains), raising its licences and storage to fit. For trying the panel
    /// at a host's scale; the mailboxes cannot sign in until given a password.
    Seed {
        /// The account administrator whose organisation receives the mailboxes.
        #[arg(long)]
        admin: String,
        #[arg(long, default_value_t = 100_000)]
        users: usize,
        /// The same number gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Count every organisation's mailboxes and storage afresh and set the totals the panel
    /// keeps to match. The panel keeps them itself; this repairs them after mailboxes were
    /// changed in the database by other means with its triggers off (a bulk load, a restore).
    Recount,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create the organisation and its first account administrator. The password is read from
    /// the terminal, or from the first line of standard input when that is not a terminal.
    Create {
        #[arg(long)]
        email: String,
        /// The administrator's display name (default: the part of the address before @).
        #[arg(long)]
        name: Option<String>,
        /// The organisation's name (default: the address's domain).
        #[arg(long)]
        organisation: Option<String>,
    },
}

fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        // Only the line ending goes: the password itself is never trimmed.
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

pub async fn create_admin(
    store: &dyn Store,
    now: i64,
    email: &str,
    name: Option<String>,
    organisation: Option<String>,
) -> Result<String, String> {
    let address =
        EmailAddress::parse(email).map_err(|_| format!("not an email address: {email}"))?;
    if store.admin_exists().await.map_err(|e| e.to_string())? {
        return Err(
            "an account administrator exists already; sign in as them to add others".into(),
        );
    }
    let name = name.unwrap_or_else(|| address.local().as_str().to_owned());
    let organisation = organisation.unwrap_or_else(|| address.domain().as_str().to_owned());
    let password = read_password()?;
    PasswordPolicy::default()
        .check(
            &password,
            &[&name, address.local().as_str(), address.domain().as_str()],
        )
        .map_err(|code| format!("password refused by the policy: {}", describe(code)))?;
    let password_hash = hash_password(password).await.map_err(|e| e.to_string())?;
    store
        .create_organisation(NewOrganisation {
            organisation_name: organisation,
            admin_name: name,
            admin_email: address.clone(),
            password_hash,
            setup_token_hash: None,
            now,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(address.to_string())
}

fn describe(code: app::error::ErrorCode) -> String {
    use app::error::ErrorCode as C;
    match code {
        C::PasswordTooShort(n) => format!("use at least {n} characters"),
        C::PasswordTooLong(n) => format!("use at most {n} characters"),
        C::PasswordPersonal => "it contains the name, username or domain".into(),
        C::PasswordCommon => "it is one of the most common passwords".into(),
        C::PasswordTooWeak => "it is too easy to guess; add a few unusual words".into(),
        other => format!("{other:?}"),
    }
}

/// What `server recount` prints: one line per organisation it set right, or that all were right.
pub async fn recount(store: &dyn Store) -> Result<String, String> {
    let corrections = store.recount_totals().await.map_err(|e| e.to_string())?;
    if corrections.is_empty() {
        return Ok("Every organisation's totals were right; nothing changed.".into());
    }
    Ok(corrections
        .iter()
        .map(|c| {
            format!(
                "{} (id {}): {} mailboxes and {} MB allocated, were {} and {} MB",
                c.name, c.organisation_id, c.counted.0, c.counted.1, c.kept.0, c.kept.1
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Seeds the organisation whose account admin is `admin`; prints progress on standard error.
pub async fn seed(
    store: &dyn Store,
    now: i64,
    admin: &str,
    users: usize,
    seed: u64,
) -> Result<crate::seed::Seeded, String> {
    let address =
        EmailAddress::parse(admin).map_err(|_| format!("not an email address: {admin}"))?;
    let login = store
        .find_login(&address)
        .await
        .map_err(|e| e.to_string())?
        .filter(|l| l.role == app::model::Role::AccountAdmin)
        .ok_or_else(|| format!("{admin} is not an account administrator"))?;
    crate::seed::seed_users(store, login.organisation_id, users, seed, now, |done| {
        eprint!("\rAdded {done} of {users} mailboxes");
    })
    .await
    .map_err(|e| e.to_string())
    .inspect(|_| eprintln!())
}
