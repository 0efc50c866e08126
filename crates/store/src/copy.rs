//! Copying a whole database into an empty one: how a pilot moves from SQLite to PostgreSQL
//! (any direction works).
//!
//! Every copied column is named in [`TABLES`]. Before copying, that list is compared with both
//! databases and any difference refuses the copy, so a migration that adds a table or a column
//! cannot be left behind silently: it has to be added here. The target is written in one
//! transaction, so a failed copy leaves it empty; the source is read from one snapshot, so a
//! bot still running on it cannot make the copy inconsistent.

use std::collections::BTreeMap;

use ecabot_core::ports::StoreError;
use sqlx::{
    Any, Row, Transaction,
    any::{AnyArguments, AnyRow},
    query::Query,
};

use crate::{Backend, SqlStore, backend_error};

/// Rows copied per table, in copy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(String, u64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target database already has data (table {table}: {rows} rows); copy into an empty database"
    )]
    TargetNotEmpty { table: String, rows: u64 },
    /// A table or column the copy does not know, one it expects but is missing, or a column of
    /// another type: the copy's list in `copy.rs` is behind the migrations (or the database is
    /// not ecabot's). `side` is "source" or "target".
    #[error("the {side} database's schema is not the one this copy knows: {detail}")]
    Schema { side: &'static str, detail: String },
    #[error("the copy failed; nothing was committed to the target")]
    Store(#[from] StoreError),
}

/// How a column's values are read and bound. Every column of the schema is an integer or
/// text, nullable or not (booleans are stored as 0/1 integers); reading each as an option of
/// its type carries NULLs over and leaves `NOT NULL` to the target's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
}

/// A copied table: its primary key is its first `key` columns, by which it is read in pages.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    key: usize,
    /// The column whose values the database generates (`BIGSERIAL` on PostgreSQL,
    /// `AUTOINCREMENT` on SQLite): its sequence is moved past the copied values.
    serial: Option<&'static str>,
}

use Kind::{Int, Text};

/// Every table the copy carries, in an order that satisfies the foreign keys
/// (`subscriptions` and `dismissals` reference `chats`).
const TABLES: &[Table] = &[
    Table {
        name: "chats",
        columns: &[
            ("chat", Text),
            ("locale", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("zone", Text),
            ("quiet", Text),
            ("leads", Text),
            ("active", Int),
            ("digest", Text),
            ("digest_since", Int),
        ],
        key: 1,
        serial: None,
    },
    Table {
        name: "subscriptions",
        columns: &[("chat", Text), ("target", Text), ("since", Int)],
        key: 2,
        serial: None,
    },
    Table {
        name: "dismissals",
        columns: &[("chat", Text), ("call", Text), ("at", Int)],
        key: 2,
        serial: None,
    },
    Table {
        name: "calls",
        columns: &[
            ("id", Text),
            ("uid", Text),
            ("kind", Text),
            ("topic", Text),
            ("deadline", Int),
            ("zone", Text),
            ("starts", Int),
            ("ends", Int),
            ("location", Text),
            ("url", Text),
            ("texts", Text),
            ("categories", Text),
            ("version", Int),
            ("changed_at", Int),
            ("previous_deadline", Int),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        key: 1,
        serial: None,
    },
    Table {
        name: "outbox",
        columns: &[
            ("id", Int),
            ("key", Text),
            ("chat", Text),
            ("scope", Text),
            ("call", Text),
            ("notice", Text),
            ("state", Text),
            ("not_before", Int),
            ("expires", Int),
            ("attempts", Int),
            ("claim_token", Text),
            ("lease_until", Int),
            ("last_error", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("sent_at", Int),
        ],
        key: 1,
        serial: Some("id"),
    },
    Table {
        name: "scheduler_state",
        columns: &[("name", Text), ("value", Int)],
        key: 1,
        serial: None,
    },
    Table {
        name: "news",
        columns: &[
            ("id", Int),
            ("key", Text),
            ("url_key", Text),
            ("fingerprint", Text),
            ("source", Text),
            ("lang", Text),
            ("title", Text),
            ("url", Text),
            ("summary", Text),
            ("published", Int),
            ("added_at", Int),
        ],
        key: 1,
        serial: Some("id"),
    },
    Table {
        name: "feeds",
        columns: &[
            ("url", Text),
            ("etag", Text),
            ("last_modified", Text),
            ("checked_at", Int),
            ("ok_at", Int),
            ("failures", Int),
            ("last_error", Text),
        ],
        key: 1,
        serial: None,
    },
];

/// Tables left behind on purpose: sqlx's migration record (`open` migrates both sides) and the
/// send budget, which is ephemeral rate-limit state.
const SKIPPED: &[&str] = &["_sqlx_migrations", "pace"];

/// Rows read per page.
const PAGE_ROWS: usize = 1_000;

/// Values bound per `INSERT`, well under both engines' limits.
const INSERT_VALUES: usize = 2_000;

/// A cell as read from the source.
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

/// Copies every table of `from` into `to`, which must be empty; both are open (migrated).
/// The target should not be in use while it runs.
pub async fn copy_database(from: &SqlStore, to: &SqlStore) -> Result<CopyReport, CopyError> {
    check_schema(from, "source").await?;
    check_schema(to, "target").await?;

    let mut target = to.begin_write().await?;
    if to.backend == Backend::Postgres {
        // Writers wait until the commit, so the target stays empty between check and copy.
        // (SQLite's `BEGIN IMMEDIATE` holds the write lock already.)
        let names: Vec<String> = TABLES.iter().map(|t| quoted(t.name)).collect();
        sqlx::query(&format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            names.join(", ")
        ))
        .execute(&mut *target)
        .await
        .map_err(backend_error)?;
    }
    for table in TABLES {
        let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {}", quoted(table.name)))
            .fetch_one(&mut *target)
            .await
            .map_err(backend_error)?;
        let rows: i64 = row.try_get("n").map_err(backend_error)?;
        if rows > 0 {
            return Err(CopyError::TargetNotEmpty {
                table: table.name.to_owned(),
                rows: rows.unsigned_abs(),
            });
        }
    }

    let mut source = match from.backend {
        Backend::Sqlite => from.pool.begin().await,
        Backend::Postgres => {
            from.pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await
        }
    }
    .map_err(backend_error)?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let rows = copy_table(table, &mut source, &mut target).await?;
        tables.push((table.name.to_owned(), rows));
    }
    // Last, because PostgreSQL's `setval` is not undone by a rollback.
    for table in TABLES {
        if let Some(column) = table.serial {
            carry_sequence(
                table.name,
                column,
                from.backend,
                &mut source,
                to.backend,
                &mut target,
            )
            .await?;
        }
    }
    source.rollback().await.map_err(backend_error)?;
    target.commit().await.map_err(backend_error)?;
    Ok(CopyReport { tables })
}

/// A constant identifier, quoted: several column names (`key`, `call`, `at`) are keywords.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// Copies one table page by page, in primary-key order; returns how many rows.
async fn copy_table(
    table: &Table,
    source: &mut Transaction<'static, Any>,
    target: &mut Transaction<'static, Any>,
) -> Result<u64, StoreError> {
    let name = quoted(table.name);
    let columns: Vec<String> = table.columns.iter().map(|(c, _)| quoted(c)).collect();
    let list = columns.join(", ");
    let key: Vec<&str> = columns.iter().take(table.key).map(String::as_str).collect();
    let after: Vec<String> = (1..=key.len()).map(|i| format!("${i}")).collect();
    let key = key.join(", ");
    let first = format!("SELECT {list} FROM {name} ORDER BY {key} LIMIT {PAGE_ROWS}");
    let next = format!(
        "SELECT {list} FROM {name} WHERE ({key}) > ({}) ORDER BY {key} LIMIT {PAGE_ROWS}",
        after.join(", ")
    );
    let per_insert = (INSERT_VALUES / table.columns.len()).max(1);
    let mut copied = 0;
    let mut last: Option<Vec<Value>> = None;
    loop {
        let query = match &last {
            None => sqlx::query(&first),
            Some(key) => key.iter().fold(sqlx::query(&next), bind),
        };
        let rows = query
            .fetch_all(&mut **source)
            .await
            .map_err(backend_error)?;
        let page = rows
            .iter()
            .map(|row| read_row(table, row))
            .collect::<Result<Vec<_>, _>>()?;
        for chunk in page.chunks(per_insert) {
            let sql = format!(
                "INSERT INTO {name} ({list}) VALUES {}",
                crate::value_rows(chunk.len(), table.columns.len(), 0, "")
            );
            let query = chunk.iter().flatten().fold(sqlx::query(&sql), bind);
            query.execute(&mut **target).await.map_err(backend_error)?;
        }
        copied += page.len() as u64;
        if page.len() < PAGE_ROWS {
            return Ok(copied);
        }
        last = page
            .into_iter()
            .next_back()
            .map(|row| row.into_iter().take(table.key).collect());
    }
}

fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    value: &'q Value,
) -> Query<'q, Any, AnyArguments<'q>> {
    match value {
        Value::Int(v) => query.bind(*v),
        Value::Text(v) => query.bind(v.as_deref()),
    }
}

/// A row's cells as the table's columns say, or `Corrupt` naming the cell that is not.
fn read_row(table: &Table, row: &AnyRow) -> Result<Vec<Value>, StoreError> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (column, kind))| {
            let value = match kind {
                Int => row.try_get(i).map(Value::Int),
                Text => row.try_get(i).map(Value::Text),
            };
            value.map_err(|e| StoreError::Corrupt(format!("{}.{column}: {e}", table.name)))
        })
        .collect()
}

/// Moves the target's sequence of `table.column` past both the copied ids and the source's own
/// high-water mark, so new rows neither collide with copied ones nor reuse an id the source
/// had already handed out (and perhaps deleted).
async fn carry_sequence(
    table: &str,
    column: &str,
    from: Backend,
    source: &mut Transaction<'static, Any>,
    to: Backend,
    target: &mut Transaction<'static, Any>,
) -> Result<(), StoreError> {
    let issued: Option<i64> = match from {
        Backend::Sqlite => sqlx::query("SELECT seq FROM sqlite_sequence WHERE name = $1")
            .bind(table)
            .fetch_optional(&mut **source)
            .await
            .map_err(backend_error)?
            .map(|row| row.try_get("seq"))
            .transpose()
            .map_err(backend_error)?,
        // NULL while the sequence has not been used.
        Backend::Postgres => sqlx::query(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass) AS seq",
        )
        .bind(table)
        .bind(column)
        .fetch_one(&mut **source)
        .await
        .map_err(backend_error)?
        .try_get("seq")
        .map_err(backend_error)?,
    };
    let copied: Option<i64> = sqlx::query(&format!(
        "SELECT MAX({}) AS top FROM {}",
        quoted(column),
        quoted(table)
    ))
    .fetch_one(&mut **target)
    .await
    .map_err(backend_error)?
    .try_get("top")
    .map_err(backend_error)?;
    let top = issued.max(copied).filter(|&n| n > 0);
    let query = match (to, top) {
        (Backend::Postgres, Some(top)) => {
            sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3)")
                .bind(table)
                .bind(column)
                .bind(top)
        }
        // A fresh sequence: the next id is 1.
        (Backend::Postgres, None) => {
            sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), 1, false)")
                .bind(table)
                .bind(column)
        }
        // Inserting explicit ids already moved `sqlite_sequence` to the largest copied one;
        // the source may have handed out more.
        (Backend::Sqlite, Some(top)) => sqlx::query(
            "INSERT INTO sqlite_sequence (name, seq) SELECT $1, $2
             WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $1)",
        )
        .bind(table)
        .bind(top),
        (Backend::Sqlite, None) => return Ok(()),
    };
    query.execute(&mut **target).await.map_err(backend_error)?;
    if let (Backend::Sqlite, Some(top)) = (to, top) {
        sqlx::query("UPDATE sqlite_sequence SET seq = $2 WHERE name = $1 AND seq < $2")
            .bind(table)
            .bind(top)
            .execute(&mut **target)
            .await
            .map_err(backend_error)?;
    }
    Ok(())
}

/// A column as the database declares it.
struct Column {
    table: String,
    name: String,
    declared: String,
    /// Filled by a sequence or an identity (PostgreSQL only; SQLite's rowid needs nothing).
    generated: bool,
}

/// Every column of every table in the store's schema.
async fn columns(store: &SqlStore) -> Result<Vec<Column>, StoreError> {
    let sql = match store.backend {
        Backend::Sqlite => {
            "SELECT m.name AS tbl, p.name AS name, p.type AS declared, '' AS dflt, 'NO' AS ident
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY m.name, p.cid"
        }
        Backend::Postgres => {
            "SELECT c.table_name::text AS tbl, c.column_name::text AS name,
                    c.data_type::text AS declared, COALESCE(c.column_default::text, '') AS dflt,
                    c.is_identity::text AS ident
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position"
        }
    };
    let rows = sqlx::query(sql)
        .fetch_all(&store.pool)
        .await
        .map_err(backend_error)?;
    rows.iter()
        .map(|row| {
            let text = |c: &str| row.try_get::<String, _>(c).map_err(backend_error);
            Ok(Column {
                table: text("tbl")?,
                name: text("name")?,
                declared: text("declared")?,
                generated: text("dflt")?.starts_with("nextval(") || text("ident")? == "YES",
            })
        })
        .collect()
}

/// How the copy can read a declared column type, if it can.
fn kind_of(backend: Backend, declared: &str) -> Option<Kind> {
    match backend {
        // SQLite's affinity rules, minus REAL, NUMERIC and BLOB, which the copy does not carry.
        Backend::Sqlite => {
            let declared = declared.to_ascii_uppercase();
            if declared.contains("INT") {
                Some(Int)
            } else if ["CHAR", "CLOB", "TEXT"]
                .iter()
                .any(|t| declared.contains(t))
            {
                Some(Text)
            } else {
                None
            }
        }
        Backend::Postgres => match declared {
            "bigint" | "integer" | "smallint" => Some(Int),
            "text" | "character varying" | "character" => Some(Text),
            _ => None,
        },
    }
}

/// Refuses a schema that differs from [`TABLES`] and [`SKIPPED`]: every difference is named.
async fn check_schema(store: &SqlStore, side: &'static str) -> Result<(), CopyError> {
    let mut found: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for column in columns(store).await? {
        found.entry(column.table.clone()).or_default().push(column);
    }
    let mut problems = Vec::new();
    for (table, columns) in &found {
        if SKIPPED.contains(&table.as_str()) {
            continue;
        }
        let Some(known) = TABLES.iter().find(|t| t.name == table) else {
            problems.push(format!("table {table} is not known to the copy"));
            continue;
        };
        for column in columns {
            let name = column.name.as_str();
            let Some((_, kind)) = known.columns.iter().find(|(c, _)| *c == name) else {
                problems.push(format!("column {table}.{name} is not known to the copy"));
                continue;
            };
            if kind_of(store.backend, &column.declared) != Some(*kind) {
                problems.push(format!(
                    "column {table}.{name} is {:?}, the copy reads it as {kind:?}",
                    column.declared
                ));
            }
            if store.backend == Backend::Postgres
                && column.generated != (known.serial == Some(name))
            {
                problems.push(format!(
                    "column {table}.{name} {} generated, the copy expects otherwise",
                    if column.generated { "is" } else { "is not" }
                ));
            }
        }
        for (name, _) in known.columns {
            if !columns.iter().any(|c| c.name == *name) {
                problems.push(format!("column {table}.{name} is missing"));
            }
        }
    }
    for table in TABLES {
        if !found.contains_key(table.name) {
            problems.push(format!("table {} is missing", table.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CopyError::Schema {
            side,
            detail: problems.join("; "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_well_formed() {
        for table in TABLES {
            assert!(
                (1..=table.columns.len()).contains(&table.key),
                "{}",
                table.name
            );
            if let Some(serial) = table.serial {
                assert_eq!(table.columns[0], (serial, Int), "{}", table.name);
            }
            assert!(!SKIPPED.contains(&table.name));
        }
    }

    #[tokio::test]
    async fn the_list_matches_the_sqlite_migrations() {
        let store = SqlStore::memory().await.unwrap();
        check_schema(&store, "source").await.unwrap();
    }

    #[tokio::test]
    async fn an_unknown_column_or_table_refuses_the_copy() {
        let (from, to) = (
            SqlStore::memory().await.unwrap(),
            SqlStore::memory().await.unwrap(),
        );
        for sql in [
            "ALTER TABLE outbox ADD COLUMN priority INTEGER",
            "CREATE TABLE extra (x TEXT)",
        ] {
            sqlx::query(sql).execute(&from.pool).await.unwrap();
        }
        match copy_database(&from, &to).await {
            Err(CopyError::Schema { side, detail }) => {
                assert_eq!(side, "source");
                assert!(detail.contains("outbox.priority"), "{detail}");
                assert!(detail.contains("table extra"), "{detail}");
            }
            other => panic!("expected a schema error, got {other:?}"),
        }
    }
}
