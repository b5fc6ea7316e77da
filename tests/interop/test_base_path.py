"""A `.qdpx` may not read local files through a `basePath` it sets itself (issue 21, item 7).

`relative://` texts are read only from the folder the user names with `--base DIR` (default:
the archive's own folder), after resolving symbolic links, and never from outside it.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.services import Project
from tests.interop.test_import import archive
from tests.interop.test_import_sources import qde, source

PASSWD = Path("/etc/passwd")


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def attack(tmp_path: Path, path: str, base_path: str | None) -> Path:
    """An archive whose one text source points at a local file through `basePath`."""
    file = tmp_path / "attack.qdpx"
    file.write_bytes(archive({"project.qde": qde(source(1, path, 0, 4), base_path=base_path)}))
    return file


def imported_texts(root: Path) -> list[str]:
    if not (root / "codebook.yaml").exists():
        return []
    with Project.open(root) as project:
        return [project.text_of(d.id) for d in project.documents()]


def assert_refused(result, tmp_path: Path, secret: str, reason: str) -> None:
    """The import runs, but the local file is not in the project, and the report says why."""
    assert result.exit_code == 0, result.output
    assert "0 documents" in result.output and reason in result.output
    texts = imported_texts(tmp_path / "new")
    assert not any(secret in text for text in texts)
    files = [p for p in (tmp_path / "new").rglob("*") if p.is_file() and p.suffix == ".md"]
    assert not any(secret in p.read_text(errors="replace") for p in files)


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd")
def test_base_path_etc_with_relative_passwd_is_not_read(tmp_path):
    path = attack(tmp_path, "relative://passwd", base_path="/etc")
    result = run("import-qdpx", path, "--into", tmp_path / "new")
    assert_refused(result, tmp_path, "root:", "relative://passwd is not in the base folder")
    assert "basePath '/etc' is not used" in result.output


@pytest.mark.skipif(not Path("/etc/hostname").is_file(), reason="needs /etc/hostname")
def test_a_file_url_base_path_is_not_read_either(tmp_path):
    path = attack(tmp_path, "relative://hostname", base_path="file:///etc")
    result = run("import-qdpx", path, "--into", tmp_path / "new")
    secret = Path("/etc/hostname").read_text().strip() or socket.gethostname()
    assert_refused(result, tmp_path, secret, "relative://hostname is not in the base folder")
    assert "basePath 'file:///etc' is not used" in result.output


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd")
@pytest.mark.parametrize("link", ["folder", "file"])
def test_a_symlink_beside_the_archive_cannot_lead_out(tmp_path, link):
    if link == "folder":
        (tmp_path / "texts").symlink_to("/etc", target_is_directory=True)
        path = attack(tmp_path, "relative://texts/passwd", base_path=None)
    else:
        (tmp_path / "passwd").symlink_to(PASSWD)
        path = attack(tmp_path, "relative://passwd", base_path=None)
    result = run("import-qdpx", path, "--into", tmp_path / "new")
    assert_refused(result, tmp_path, "root:", "leads outside the base folder")


def test_dot_dot_and_absolute_relative_paths_are_refused(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "secret.txt").write_text("secret words\n", encoding="utf-8")
    path = attack(tmp_path, "relative://../secret.txt", base_path=None)
    result = run("import-qdpx", path, "--into", tmp_path / "new", "--base", tmp_path / "texts")
    assert_refused(result, tmp_path, "secret words", "points outside the base folder")
    path = attack(tmp_path, f"relative://{tmp_path / 'secret.txt'}", base_path=None)
    result = run("import-qdpx", path, "--into", tmp_path / "again", "--base", tmp_path / "texts")
    assert result.exit_code == 0 and "points outside the base folder" in result.output


def test_base_names_the_folder_relative_texts_come_from(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "one.txt").write_text("told you\n", encoding="utf-8")
    path = attack(tmp_path, "relative://one.txt", base_path="/etc")
    result = run("import-qdpx", path, "--into", tmp_path / "new", "--base", tmp_path / "texts")
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output
    assert imported_texts(tmp_path / "new") == ["told you\n"]


def test_a_missing_base_folder_is_a_usage_error(tmp_path):
    path = attack(tmp_path, "relative://one.txt", base_path=None)
    result = run("import-qdpx", path, "--into", tmp_path / "new", "--base", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "--base" in result.output and "does not exist" in result.output
    assert not (tmp_path / "new").exists()
