//! Both back ends must hold the same schema: same migration versions and names, same tables and
//! columns once applied.
mod support;

use sqlx::Connection;
use std::collections::BTreeSet;

fn migration_names(dialect: &str) -> Vec<String> {
    let dir = format!("{}/migrations/{dialect}", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("migrations folder")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_folders_have_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let (_store, dir) = support::sqlite_store().await;
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let mut lite = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let lite_cols: BTreeSet<(String, String)> = sqlx::query_as(
        // Tables and views (the mail server reads views): a search index (FTS5) is a virtual
        // table with shadow tables, left out.
        "SELECT t.name, p.name FROM pragma_table_list t JOIN pragma_table_info(t.name) p \
         WHERE t.schema = 'main' AND t.type IN ('table', 'view') AND t.name NOT LIKE 'sqlite_%' \
         AND t.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut lite)
    .await
    .unwrap()
    .into_iter()
    .collect();

    let (_pg_store, pg_url) = support::postgres_store().await;
    let mut pg = sqlx::PgConnection::connect(&pg_url).await.unwrap();
    let pg_cols: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut pg)
    .await
    .unwrap()
    .into_iter()
    .collect();

    assert!(lite_cols.contains(&("users".into(), "password_hash".into())));
    assert!(lite_cols.contains(&("mail_passdb".into(), "password".into())));
    assert_eq!(lite_cols, pg_cols);
}
