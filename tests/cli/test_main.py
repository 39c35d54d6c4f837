"""The entry point imports only the command group a command line names."""

from __future__ import annotations

import subprocess
import sys

from accord.cli.main import GROUPS, app, build

_PROBE = """
import sys
sys.argv = ["accord", *sys.argv[1:]]
from accord.cli.main import main
try:
    main()
except SystemExit:
    pass
print(sorted(m for m in sys.modules if m.startswith("accord.cli.")))
"""


def _loaded(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_a_command_line_imports_only_its_group() -> None:
    loaded = _loaded("-v", "screen", "--help")
    assert "accord.cli.screen" in loaded
    for other in ("lists", "alerts", "ingest", "indicators", "serve"):
        assert f"accord.cli.{other}'" not in loaded


def test_the_top_level_help_has_every_group() -> None:
    loaded = _loaded("--help")
    for name in GROUPS:
        assert f"accord.cli.{name}'" in loaded
    names = {group.name for group in app.registered_groups}
    assert names == set(GROUPS)
    assert {c.name for c in app.registered_commands} == {"serve", "demo"}


def test_build_with_one_group() -> None:
    only = build("screen")
    assert [g.name for g in only.registered_groups] == ["screen"]
    assert not only.registered_commands
