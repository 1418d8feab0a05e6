-- zkgov ledger, PostgreSQL schema version 1: the same three tables as the
-- SQLite backend. Applied once, inside one transaction, by
-- ledger/src/store/pg.rs, which records it in schema_version.

-- The log: one row per entry, indices 0, 1, 2, ... with no gaps.
CREATE TABLE entries (
    idx BIGINT PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BYTEA NOT NULL CHECK (length(leaf_hash) = 32),
    data BYTEA NOT NULL
);

-- Nullifiers: the primary key (scope, nullifier) is the final guard that a
-- nullifier is accepted once per scope, whichever process appends.
CREATE TABLE nullifiers (
    scope TEXT NOT NULL,
    nullifier TEXT NOT NULL,
    idx BIGINT NOT NULL REFERENCES entries (idx),
    PRIMARY KEY (scope, nullifier)
);
CREATE INDEX nullifiers_by_idx ON nullifiers (idx);

-- Signed checkpoints: at most one per tree size.
CREATE TABLE checkpoints (
    size BIGINT PRIMARY KEY CHECK (size >= 0),
    root BYTEA NOT NULL CHECK (length(root) = 32),
    note TEXT NOT NULL
);
