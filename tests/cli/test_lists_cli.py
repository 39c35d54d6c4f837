"""The ``accord lists`` commands as a user runs them: output, exit codes, clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.settings import get_settings
from tests.lists.ftm_factory import version_one, version_two

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def run_json(*args: str) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_fetch_diff_changes_show_export(env: Path) -> None:
    code, out = run("lists", "fetch", "opensanctions", "--from", str(version_one(env / "v1.json")))
    assert code == 0, out
    assert "ingested" in out
    code, out = run("lists", "fetch", "opensanctions", "--from", str(version_two(env / "v2.json")))
    assert code == 0, out
    diff = run_json("lists", "diff", "opensanctions", "--format", "json")
    assert isinstance(diff, dict)
    assert {c["entity_id"]: c["change"] for c in diff["changes"]} == {
        "p1": "amended",
        "p2": "removed",
        "p4": "added",
    }
    code, out = run("lists", "changes", "--since", "1d", "--change", "removed")
    assert code == 0 and "John Doe" in out and "1 changes" in out
    code, out = run("lists", "show", "p1")
    assert code == 0 and "Ivan Petroff" in out and "RUSSIA-EO14024" in out
    assert "record p1" in out
    code, out = run("lists", "status")
    assert code == 0 and "opensanctions" in out
    export = env / "out.json"
    code, out = run("lists", "export", "--out", str(export))
    assert code == 0 and "exported 4 entities" in out
    assert len(export.read_bytes().splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lists", "fetch", "nope", "--from", "/dev/null"), "unknown list 'nope'"),
        (("lists", "show", "nobody"), "no entity 'nobody'"),
        (("lists", "changes", "--since", "yesterday"), "expected an ISO date"),
        (("lists", "diff", "un"), "list un has no stored version"),
    ],
)
def test_errors_are_one_clear_line(env: Path, args: tuple[str, ...], message: str) -> None:
    code, out = run(*args)
    assert code == 1
    assert message in out
    assert "Traceback" not in out


def test_bad_file_exit_code_and_message(env: Path) -> None:
    bad = env / "bad.json"
    bad.write_bytes(b'{"id": "x", "sch')
    code, out = run("lists", "fetch", "opensanctions", "--from", str(bad))
    assert code == 1
    assert "bad.json" in out and "failed" in out


def test_every_command_is_documented() -> None:
    """Every CLI command appears in the README's command reference."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    import typer.main

    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names = [f"accord {name} {s}" for s in sub] if sub else [f"accord {name}"]
        for full in names:
            assert full in readme, f"`{full}` is not documented in README.md"
