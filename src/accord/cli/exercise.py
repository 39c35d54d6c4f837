"""``accord exercise``: generate a synthetic world with known schemes; score alerts against it."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import typer
from rich.table import Table

from accord.cli.common import console, handle_errors
from accord.errors import InvalidInputError
from accord.settings import get_settings

app = typer.Typer(
    help="Exercise simulator: synthetic worlds with known evasion schemes.", no_args_is_help=True
)


@app.command("world")
@handle_errors
def world(
    scenario: str = typer.Argument(
        ..., help="A shipped scenario (demo, medium, large) or a YAML file."
    ),
    out: Path = typer.Option(..., "--out", help="Folder to write the world into."),
    seed: int | None = typer.Option(None, help="Override the scenario's seed."),
    scale: float = typer.Option(1.0, help="Multiply every background volume."),
) -> None:
    """Write every node's files, the lists to load, truth.json and manifest.json."""
    # Imported here: the simulator's libraries (faker, searoute…) take ~0.8 s that no other
    # command should pay at start-up.
    from accord.exercise.generate import generate_world
    from accord.exercise.scenario import load_scenario

    sc = load_scenario(scenario)
    if seed is not None:
        sc = sc.model_copy(update={"seed": seed})
    summary = generate_world(sc.scaled(scale), out, get_settings().shared_dir, console.print)
    table = Table(title=f"world {sc.name} → {out}")
    table.add_column("node")
    table.add_column("kind")
    table.add_column("files")
    for node, kinds in summary.files.items():
        for kind, files in kinds.items():
            table.add_row(node, kind, ", ".join(Path(f).name for f in files))
    console.print(table)
    counts = " · ".join(f"{k} {v:,}" for k, v in summary.counts.items())
    console.print(f"{counts} · {sum(summary.seconds.values()):.1f} s")


@app.command("score")
@handle_errors
def score_cmd(
    alerts: Path = typer.Option(..., "--alerts", help="Alerts: JSON lines or a JSON array."),
    truth: Path = typer.Option(..., "--truth", help="The world's truth.json."),
    label: str = typer.Option("isolated", help="Name of this run (isolated, coordinated…)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Per scheme and overall: detected, recall, precision, time to detect, which node."""
    text = alerts.read_bytes().strip()
    try:
        raw = (
            orjson.loads(text)
            if text.startswith(b"[")
            else [orjson.loads(line) for line in text.splitlines() if line.strip()]
        )
    except orjson.JSONDecodeError as exc:
        raise InvalidInputError(f"{alerts.name}: not JSON lines or a JSON array: {exc}") from exc
    from accord.exercise.score import read_alert, score
    from accord.exercise.truth import GroundTruth

    report = score(
        GroundTruth.model_validate_json(truth.read_bytes()), [read_alert(a) for a in raw], label
    )
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return
    table = Table(title=f"{report.scenario} · {report.label}")
    for col in ("scheme", "type", "detected", "alerts", "actors", "hours to detect", "by node"):
        table.add_column(col)
    for s in report.schemes:
        hours = "" if s.time_to_detect_hours is None else f"{s.time_to_detect_hours:.0f}"
        table.add_row(
            s.id,
            s.type,
            "yes" if s.detected else "no",
            str(s.alerts),
            f"{s.actors_found:.0%}",
            hours,
            ", ".join(s.detected_by),
        )
    console.print(table)
    precision = "n/a" if report.precision is None else f"{report.precision:.0%}"
    console.print(
        f"recall {report.recall:.0%} · precision {precision} · "
        f"{report.true_alerts}/{report.alerts} alerts on schemes"
    )
