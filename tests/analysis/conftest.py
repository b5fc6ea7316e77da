"""The layered mini project (two coders who differ on two case histories), imported and coded."""

from __future__ import annotations

import pytest

from hrd_coder.services import Project
from tests.analysis.layered_project import code_layers, make_layered_project


@pytest.fixture
def layered(tmp_path):
    with Project.open(make_layered_project(tmp_path / "layered")) as project:
        project.import_files()
        yield code_layers(project)
