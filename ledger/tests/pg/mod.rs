//! PostgreSQL for the tests: `ZKGOV_TEST_POSTGRES` names a server (a URL;
//! `scripts/postgres-throwaway.sh` starts one), and each test gets a fresh
//! schema of its own in it, dropped at the end, so tests run in parallel.
//!
//! Without the variable the tests skip with a loud message, except in CI
//! (`CI` set), where they fail: CI never skips them.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};

use zkgov_ledger::store::{PostgresOptions, PostgresStorage};

/// The variable naming the test server.
pub const VAR: &str = "ZKGOV_TEST_POSTGRES";

/// A fresh schema on the test server.
pub struct TestDb {
    /// Server URL.
    pub url: String,
    /// The schema this test owns.
    pub schema: String,
}

/// The test server with a fresh schema, or `None` (after saying so loudly)
/// when none is configured outside CI. Panics in CI without one.
pub fn test_db(test: &str) -> Option<TestDb> {
    let url = match std::env::var(VAR) {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{test}: {VAR} is not set and CI is: the PostgreSQL tests never skip in CI \
                     (scripts/test.sh starts a throwaway cluster)"
                );
            }
            // Straight to the stream, not eprintln!: the test harness
            // captures the macros' output of a passing test, and this must
            // be seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED: {test} needs PostgreSQL: set {VAR}=postgres://... \
                 (eval \"$(bash scripts/postgres-throwaway.sh start)\" starts one) ***\n"
            );
            return None;
        }
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let schema = format!(
        "t_{}_{}_{}_{nanos}",
        test.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            .to_ascii_lowercase()
            .chars()
            .take(24)
            .collect::<String>(),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    Some(TestDb { url, schema })
}

impl TestDb {
    /// Options for this test's schema.
    pub fn options(&self) -> PostgresOptions {
        PostgresOptions {
            schema: Some(self.schema.clone()),
            pool_size: 2,
            ..PostgresOptions::default()
        }
    }

    /// Opens (migrating) storage in this test's schema.
    pub fn open(&self) -> PostgresStorage {
        PostgresStorage::open_with(&self.url, &self.options()).unwrap()
    }

    /// The URL with this test's schema as `search_path` (what a user passes
    /// to `--database` to pick a schema).
    pub fn url_with_schema(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!(
            "{}{sep}options=-c%20search_path%3D{}",
            self.url, self.schema
        )
    }

    /// A plain client on the server, search path set to this test's schema.
    pub fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("SET search_path = {}", self.schema))
            .unwrap();
        c
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
