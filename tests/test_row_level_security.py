"""The example of docs/teams.md, run on a real PostgreSQL server: with a login per coder and
row-level security on `coding`, a coder's connection reads and writes only their own layer,
whatever program they use (issue 19: the real boundary, beyond blind coding)."""

from __future__ import annotations

import psycopg
import pytest

from hrd_coder.services import Project
from tests.coded_mini import code_mini
from tests.conftest import make_mini_project

# The policy as docs/teams.md gives it.
POLICY = """
ALTER TABLE coding ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_layer ON coding
    USING (coder = current_user) WITH CHECK (coder = current_user);
"""
LOGINS = ("lena", "tomas")


def admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("+psycopg", ""), autocommit=True)


def give_logins(url: str) -> None:
    with admin(url) as conn:
        for name in LOGINS:  # logins belong to the cluster: made once per test run
            conn.execute(
                "DO $$ BEGIN CREATE ROLE "
                + name
                + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            conn.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
            )
            conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}")
        conn.execute(POLICY)


def test_a_coders_login_sees_and_writes_only_their_layer(postgres, tmp_path):
    url = postgres.new_database()
    root = make_mini_project(tmp_path / "mini")
    with Project.open(root, url) as project:
        project.import_files()
        code_mini(project)
        assert {c.coder for c in project.codings()} == {"lena", "tomas"}  # the owner sees all
    give_logins(url)
    as_tomas = url.replace("postgres@", "tomas@")
    with Project.open(root, as_tomas) as tomas:
        assert {c.coder for c in tomas.codings()} == {"tomas"}
        with pytest.raises(Exception, match="row-level security"):
            tomas.add_coding(document="int01", code="release", start=0, end=5, coder="lena")
        tomas.add_coding(document="int01", code="release", start=0, end=5, coder="tomas")
    with admin(url) as conn:
        rows = conn.execute("SELECT coder, count(*) FROM coding GROUP BY coder ORDER BY coder")
        counts = dict(rows.fetchall())
    assert counts["tomas"] >= 2 and "lena" in counts  # lena's layer untouched
