"""A machine coder's layer never counts toward the consensus (issue 17), not even as
codings "waiting" for a done mark: found walking the study path, where `consensus status`
said 625 codings waited in documents their coder had not marked done, every one of them a
suggestion of a model layer, which no one can mark done. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from hrd_coder.services import Project
from tests.conftest import copy_demo


def test_suggestions_neither_wait_for_nor_enter_the_consensus(tmp_path: Path, db_url):
    root = copy_demo(tmp_path / "demo")
    with Project.open(root, db_url) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        before = project.consensus_status()
        run = project.suggest(train="lena")
        assert run.suggestions > 0
        after = project.consensus_status()
        assert after.waiting_codings == before.waiting_codings == 0
        assert after.as_dict()["codes"] == before.as_dict()["codes"]
        assert after.coders == ("lena", "tomas")
