-- The shared system of record (PostgreSQL) of a deployment on several machines: everything people enter.
-- Each app server's DuckDB file is a read-only snapshot built from the shipped sources plus these rows
-- (data/store/postgres.py); the built-in estimated and simulated rows never come here.
--
-- store_state.version is raised by one with every write (upload or rollback) and every changed row carries
-- the version that changed it, so a snapshot at version v applies exactly the rows of versions > v.
-- store_id names this store: a snapshot of another store, or of this one before a restore, is rebuilt.

CREATE TABLE store_state (
    singleton   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    version     BIGINT NOT NULL DEFAULT 0,
    store_id    TEXT NOT NULL DEFAULT gen_random_uuid()::TEXT
);
INSERT INTO store_state DEFAULT VALUES;

-- Uploads and revisions: the columns of data/schema.sql, with the same keys as real constraints.
CREATE TABLE uploads (
    upload_id       INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uploaded_at     TIMESTAMP NOT NULL,
    user_name       TEXT NOT NULL,
    province_code   TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    rows_inserted   INTEGER NOT NULL,
    rows_updated    INTEGER NOT NULL,
    rolled_back_at  TIMESTAMP,
    rolled_back_by  TEXT,
    written_version BIGINT NOT NULL,          -- the store version that wrote it (its revisions came with it)
    store_version   BIGINT NOT NULL           -- the store version that last changed it (written or rolled back)
);
CREATE INDEX uploads_by_version ON uploads (store_version);
CREATE INDEX uploads_by_written_version ON uploads (written_version);

CREATE TABLE revisions (
    upload_id       INTEGER NOT NULL REFERENCES uploads,
    table_name      TEXT NOT NULL,
    row_key         TEXT NOT NULL,
    date            DATE NOT NULL,
    unit_code       TEXT NOT NULL,
    old_row         TEXT,
    new_row         TEXT NOT NULL,
    note            TEXT,
    PRIMARY KEY (upload_id, table_name, row_key)
);

-- The rows uploads wrote into the fact tables, as they stand now (an upload's row, or the row a rollback
-- restored), keyed like data/schema.sql's `-- key:` comments, here as PRIMARY KEY constraints.
CREATE TABLE cases (
    date              DATE NOT NULL,
    district_code     TEXT NOT NULL,
    new_cases         INTEGER NOT NULL,
    new_cases_adjusted INTEGER NOT NULL,
    artefact          TEXT,
    new_deaths        INTEGER,
    observed_cases    INTEGER NOT NULL,
    community_cases   INTEGER,
    quarantine_cases  INTEGER,
    imported_cases    INTEGER,
    in_treatment      INTEGER,
    oxygen            INTEGER,
    icu               INTEGER,
    source            TEXT NOT NULL,
    deaths_source     TEXT NOT NULL,
    split_source      TEXT,
    load_source       TEXT,
    reported_at       TIMESTAMP NOT NULL,
    store_version     BIGINT NOT NULL,
    PRIMARY KEY (date, district_code)
);

CREATE TABLE beds (
    date                      DATE NOT NULL,
    district_code             TEXT NOT NULL,
    covid_beds_total          INTEGER NOT NULL,
    covid_beds_occupied       INTEGER NOT NULL,
    icu_beds_staffed          INTEGER NOT NULL,
    icu_beds_occupied         INTEGER NOT NULL,
    ventilators               INTEGER NOT NULL,
    ventilators_in_use        INTEGER NOT NULL,
    oxygen_supply_m3_per_day  DOUBLE PRECISION NOT NULL,
    source                    TEXT NOT NULL,
    reported_at               TIMESTAMP NOT NULL,
    store_version             BIGINT NOT NULL,
    PRIMARY KEY (date, district_code)
);

CREATE TABLE tests (
    date            DATE NOT NULL,
    district_code   TEXT NOT NULL,
    samples         INTEGER NOT NULL,
    pooled_samples  INTEGER NOT NULL,
    positives       INTEGER NOT NULL,
    pcr_capacity    INTEGER NOT NULL,
    source          TEXT NOT NULL,
    reported_at     TIMESTAMP NOT NULL,
    store_version   BIGINT NOT NULL,
    PRIMARY KEY (date, district_code)
);

CREATE TABLE vaccinations (
    date            DATE NOT NULL,
    district_code   TEXT NOT NULL,
    age_group       TEXT NOT NULL,
    dose            TEXT NOT NULL,
    people          BIGINT NOT NULL,
    source          TEXT NOT NULL,
    reported_at     TIMESTAMP NOT NULL,
    store_version   BIGINT NOT NULL,
    PRIMARY KEY (date, district_code, age_group, dose)
);

CREATE TABLE checkpoint_counts (
    date                DATE NOT NULL,
    checkpoint_id       TEXT NOT NULL,
    people_in           INTEGER NOT NULL,
    people_out          INTEGER NOT NULL,
    vehicles            INTEGER NOT NULL,
    from_outbreak_areas INTEGER NOT NULL,
    declared            INTEGER NOT NULL,
    tested              INTEGER NOT NULL,
    positive            INTEGER NOT NULL,
    quarantined         INTEGER NOT NULL,
    source              TEXT NOT NULL,
    reported_at         TIMESTAMP NOT NULL,
    store_version       BIGINT NOT NULL,
    PRIMARY KEY (date, checkpoint_id)
);

CREATE TABLE tracing (
    date                    DATE NOT NULL,
    district_code           TEXT NOT NULL,
    f1_identified           INTEGER NOT NULL,
    f2_identified           INTEGER NOT NULL,
    centralized_quarantine  INTEGER NOT NULL,
    home_isolation          INTEGER NOT NULL,
    source                  TEXT NOT NULL,
    reported_at             TIMESTAMP NOT NULL,
    store_version           BIGINT NOT NULL,
    PRIMARY KEY (date, district_code)
);

CREATE TABLE supplies (
    date            DATE NOT NULL,
    district_code   TEXT NOT NULL,
    item            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    stock           DOUBLE PRECISION NOT NULL,
    received        DOUBLE PRECISION NOT NULL,
    used            DOUBLE PRECISION NOT NULL,
    source          TEXT NOT NULL,
    reported_at     TIMESTAMP NOT NULL,
    store_version   BIGINT NOT NULL,
    PRIMARY KEY (date, district_code, item)
);

CREATE INDEX cases_by_version ON cases (store_version);
CREATE INDEX beds_by_version ON beds (store_version);
CREATE INDEX tests_by_version ON tests (store_version);
CREATE INDEX vaccinations_by_version ON vaccinations (store_version);
CREATE INDEX checkpoint_counts_by_version ON checkpoint_counts (store_version);
CREATE INDEX tracing_by_version ON tracing (store_version);
CREATE INDEX supplies_by_version ON supplies (store_version);

-- Rows a rollback removed (an upload had added them): snapshots delete them. A key is either here or in
-- its fact table, never both.
CREATE TABLE removed_rows (
    table_name      TEXT NOT NULL,
    row_key         TEXT NOT NULL,            -- the key as JSON, like revisions.row_key
    store_version   BIGINT NOT NULL,
    PRIMARY KEY (table_name, row_key)
);
CREATE INDEX removed_rows_by_version ON removed_rows (store_version);

-- Failed-login backoff (auth.LoginGuard's state), shared by every app server.
CREATE TABLE login_backoff (
    singleton   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    state       JSONB NOT NULL
);
