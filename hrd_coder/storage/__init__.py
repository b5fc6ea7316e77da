"""The database: tables (SQLModel), engine set-up, and the append-only event log."""
