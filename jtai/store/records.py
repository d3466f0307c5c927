"""SQL for loaded files, canonical records and the quarantine."""

from __future__ import annotations

DDL = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    agency TEXT NOT NULL,
    mapping TEXT NOT NULL,
    stored_as TEXT NOT NULL,
    size INTEGER NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sheets (
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet)
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    agency TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT 'child',
    agency_person_id TEXT,
    la_child_id TEXT,
    nhs_number TEXT,
    upn TEXT,
    pnc_id TEXT,
    first_name TEXT,
    last_name TEXT,
    dob TEXT,
    sex TEXT,
    ethnicity TEXT,
    postcode TEXT,
    event_type TEXT NOT NULL,
    event_date TEXT,
    end_date TEXT,
    source TEXT,
    outcome TEXT,
    team TEXT,
    worker TEXT,
    flags TEXT,
    details TEXT,
    extra TEXT,
    child_id TEXT
);
CREATE INDEX IF NOT EXISTS records_child ON records(child_id);
CREATE INDEX IF NOT EXISTS records_event ON records(event_type, event_date);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    column_name TEXT,
    value TEXT,
    rule TEXT NOT NULL,
    message TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_file ON quarantine(file_id, sheet);
"""
