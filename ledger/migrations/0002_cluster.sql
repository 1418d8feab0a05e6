-- zkgov ledger, PostgreSQL schema version 2: several ledger nodes on one
-- database, and the witnesses' cosignatures. Applied once by
-- ledger/src/store/pg.rs, which records it in schema_version.

-- The sequencer lease: at most one row. The node holding an unexpired lease
-- is the one that appends; `epoch` grows by one with every new holder and
-- fences the old one (an append checks, in its transaction, that its node
-- and epoch still hold the lease). Times are the database server's, so the
-- nodes' clocks need not agree.
CREATE TABLE sequencer (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    node TEXT NOT NULL,
    url TEXT NOT NULL,
    epoch BIGINT NOT NULL CHECK (epoch > 0),
    expires_at TIMESTAMPTZ NOT NULL
);

-- Witness cosignatures (C2SP tlog-cosignature) gathered for a checkpoint:
-- one signature line per witness and size.
CREATE TABLE cosignatures (
    size BIGINT NOT NULL REFERENCES checkpoints (size),
    witness TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);
