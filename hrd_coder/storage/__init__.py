"""The database: tables (declared with SQLModel, queried through Core mirrors), engine set-up,
and the append-only event log."""
