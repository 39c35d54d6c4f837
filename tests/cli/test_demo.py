"""``accord demo`` (what ``make run`` runs) falls back to offline copies when downloads fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.main import app
from accord.errors import FetchError
from accord.settings import get_settings
from tests.conftest import require_shared


def test_demo_uses_offline_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    un = require_shared("lists/un/un_consolidated.xml")
    mirror = tmp_path / "shared" / "data" / "lists" / "un"
    mirror.mkdir(parents=True)
    (mirror / "un_consolidated.xml").symlink_to(un)
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ACCORD_SHARED_DIR", str(tmp_path / "shared"))
    get_settings.cache_clear()

    def offline(url: str, *_a: object, **_k: object) -> None:
        raise FetchError(f"{url}: no route to host")

    monkeypatch.setattr("accord.lists.ingest.download", offline)
    try:
        result = CliRunner().invoke(app, ["demo", "--no-serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "un: official download failed" in result.output
    assert "eu: " in result.output and "no file of list eu" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("│ un ")]
    assert any("ingested" in line and "875" in line for line in lines)
    assert any("ok" in line for line in lines)
