"""The resolution CLI and API as a user drives them, over the synthetic world."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accord.api.app import create_app
from accord.cli.main import app
from accord.settings import Settings, get_settings
from accord.store.db import Store
from tests.resolve.world import WORLD, load_world, write

pytestmark = pytest.mark.usefixtures("ftm_lists")
runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    # Loaded through the CLI, as a user would (and so logging goes to the runner's stream).
    for list_id, entities in WORLD.items():
        run("lists", "fetch", list_id, "--from", str(write(tmp_path / f"{list_id}.json", entities)))
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_divergence_answers_which_un_individuals_a_list_lacks(env: Path) -> None:
    # Nothing resolved yet: the first report resolves by itself.
    out = run("lists", "divergence", "--on", "UN", "--not-on", "uk", "--type", "person")
    assert "RYU JIN" in out and "SAADI QADHAFI" in out
    assert "CHU HYO" not in out  # on the UK list too
    summary = run("lists", "divergence", "--format", "table")
    assert "also UK" in summary and "on UN, EU, US; not on UK" in summary
    rows = list(
        csv.DictReader(
            io.StringIO(run("lists", "divergence", "--part", "facts", "--format", "csv"))
        )
    )
    assert {r["fact"] for r in rows} >= {"birthDate"}
    data = orjson.loads(run("lists", "divergence", "--format", "json"))
    assert data["resolution_run"] == 1 and data["places"][0] == "UN"


def test_resolve_judge_links_and_show(env: Path) -> None:
    assert "spanning several lists" in run("resolve", "run")
    queue = run("resolve", "links", "--decision", "review")
    assert "eu-3" in queue and "identifier, names differ" in queue
    out = run("resolve", "judge", "eu-3", "un-2", "--reject", "--by", "ana", "--why", "other man")
    assert "apart" in out
    assert "other man" in run("resolve", "judgements")
    shown = run("lists", "show", "un-1")
    assert (
        "SAADI QADHAFI" in shown and "Harmonized entity hz-" in shown and "Saadi GADDAFI" in shown
    )
    cluster = shown.split("Harmonized entity ")[1].split()[0].rstrip(":")
    assert "ofac_sdn" in run("lists", "show", cluster)
    explained = orjson.loads(run("resolve", "explain", "un-2", "eu-3"))
    assert explained["decision"] == "review" and explained["features"]["document_match"] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("resolve", "judge", "un-1", "eu-1", "--by", "ana"), "say --confirm or --reject"),
        (("lists", "divergence", "--on", "mars"), "unknown list or jurisdiction 'mars'"),
        (("lists", "divergence", "--type", "ship"), "unknown type"),
        (("lists", "show", "hz-000000000000"), "no entity 'hz-000000000000'"),
    ],
)
def test_errors_are_one_clear_line(env: Path, args: tuple[str, ...], message: str) -> None:
    runner.invoke(app, ["resolve", "run"])
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_api(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'api.db'}")
    client = TestClient(create_app(Settings(data_dir=tmp_path), store))
    assert client.get("/divergence").status_code == 404  # nothing resolved yet
    load_world(store, tmp_path)
    assert client.get("/resolve/status").json()["stale"] is True
    assert client.post("/resolve/run").json()["spans"]["3"] == 1
    judged = client.post(
        "/resolve/judgements",
        json={"left": "un-1", "right": "ofac-1", "verdict": "reject", "by": "ana", "why": "x"},
    ).json()
    assert judged["left_cluster"] != judged["right_cluster"]
    view = client.get("/harmonized/eu-1").json()
    members = {s["entity_id"] for s in view["statuses"]}
    assert len(members) == 2 and not {"un-1", "ofac-1"} <= members
    missing = client.get("/divergence", params={"on": "UN", "not_on": "EU", "part": "entities"})
    # Since the rejection, the UN record of QADHAFI is not linked to the EU record any more.
    assert [e["name"] for e in missing.json()] == ["CHU HYO’K", "SAADI QADHAFI"]
    exported = client.get("/divergence", params={"part": "pairs", "format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0] == "on,other,on_a,also_on_b,not_on_b"
    assert client.get("/resolve/links", params={"decision": "review"}).json()
