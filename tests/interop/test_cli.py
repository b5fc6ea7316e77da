"""The import commands' options: archive limits and the report as JSON."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from hrd_coder.interop.archive import ArchiveLimits
from hrd_coder.services.exchange import archive_limits
from tests.interop.test_import import foreign


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--max-bytes", "100"], "larger than 100 bytes"),
        (["--max-bytes", "1K"], "over the limit of 1024"),
        (["--max-entries", "1"], "more than 1 entries"),
    ],
)
def test_limits_from_the_command_line_refuse_and_write_nothing(tmp_path, option, message):
    result = run("import-qdpx", str(foreign(tmp_path)), "--into", str(tmp_path / "new"), *option)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_max_ratio_refuses_a_highly_compressed_entry(tmp_path):
    from tests.interop.test_import import bad

    path = bad(tmp_path, {"project.qde": b"<Project/>", "Sources/big.txt": b"a" * 3_000_000})
    result = run("import-qdpx", str(path), "--into", str(tmp_path / "new"), "--max-ratio", "5")
    assert result.exit_code == 2 and "more than 5:1" in result.output
    result = run("import-qdpx", str(path), "--into", str(tmp_path / "new"), "--max-ratio", "9999")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["lots", "0", "-5M"])
def test_bad_sizes_are_usage_errors(tmp_path, value):
    result = run("import-qdpx", str(foreign(tmp_path)), "--max-bytes", value)
    assert result.exit_code == 2 and "size" in result.output


def test_max_bytes_caps_every_size_and_other_limits_keep_their_defaults():
    limits = archive_limits(max_bytes=2 * 1024**3, max_ratio=50)
    assert limits.max_archive_bytes == limits.max_total_bytes == limits.max_entry_bytes
    assert limits.max_ratio == 50 and limits.max_entries == ArchiveLimits().max_entries
    assert archive_limits() == ArchiveLimits()


def test_report_as_json(tmp_path):
    path = foreign(tmp_path, "Other Name.qde")
    result = run("import-qdpx", str(path), "--into", str(tmp_path / "new"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"]["codings"] == 1 and data["root"] == str(tmp_path / "new")
    assert any("not 'project.qde'" in w for w in data["warnings"])
    assert isinstance(data["not_imported"], list)


def test_qdc_report_as_json(tmp_path):
    from tests.interop.test_import import SAMPLES

    qdc = SAMPLES / "refi_spec_annexA1_example_codebook.qdc"
    result = run("import-qdc", str(qdc), "--into", str(tmp_path / "cb"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"]["codes"] == 6


def test_every_import_option_has_help_text():
    for name in ("import-qdpx", "import-qdc"):
        for param in main.every_command()[name].params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.name} has no help"
