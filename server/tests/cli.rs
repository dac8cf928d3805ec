//! The `server admin create` command, run as an operator would: a real process, the password on
//! standard input.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs in `dir`, as an operator runs it from the install directory: the server's `data/` (its
/// key file) goes there.
fn create_admin(dir: &Path, db: &str, email: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(dir)
        .args([
            "admin",
            "create",
            "--email",
            email,
            "--name",
            "Clerk",
            "--organisation",
            "Parish",
        ])
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server binary runs");
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_admin_comes_from_the_command_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());

    let weak = create_admin(dir.path(), &db, "clerk@council.test", "password");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password refused by the policy"));

    let made = create_admin(
        dir.path(),
        &db,
        "clerk@council.test",
        "lantern orchard velvet 42",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = String::from_utf8_lossy(&made.stdout);
    assert!(
        out.contains("Created account administrator clerk@council.test"),
        "{out}"
    );
    assert!(!out.contains("lantern"), "the password is never echoed");

    let again = create_admin(
        dir.path(),
        &db,
        "other@council.test",
        "lantern orchard velvet 42",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn recount_sets_the_kept_totals_right() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
    let made = create_admin(
        dir.path(),
        &db,
        "clerk@council.test",
        "lantern orchard velvet 42",
    );
    assert!(made.status.success());
    let recount = || {
        let out = Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(dir.path())
            .arg("recount")
            .env("DATABASE_URL", &db)
            .env("RUST_LOG", "warn")
            .output()
            .expect("server binary runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(recount().contains("were right; nothing changed"));

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query("UPDATE organisations SET mailboxes_used = 9, storage_allocated_mb = 0")
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let repaired = recount();
    assert!(
        repaired.contains("Parish (id 1): 1 mailboxes and 1000 MB allocated, were 9 and 0 MB"),
        "{repaired}"
    );
    assert!(recount().contains("were right; nothing changed"));
}
