"""``seawall simulate``: write simulated traffic with its ground truth (docs/simulator.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from seawall.simulator.config import SimulationConfig, Typology
from seawall.simulator.service import simulate
from seawall.simulator.writers import FORMATS

app = typer.Typer(help="Simulated container traffic with hidden threats and known ground truth.")


def _date(value: str) -> datetime:
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-01-05") from None
    return day.replace(tzinfo=UTC) if day.tzinfo is None else day


def _rates(values: list[str]) -> dict[Typology, float]:
    rates = {}
    for value in values:
        name, _, rate = value.partition("=")
        try:
            rates[Typology(name)] = float(rate)
        except ValueError:
            choices = ", ".join(t.value for t in Typology)
            raise typer.BadParameter(
                f"{value!r}: expected TYPOLOGY=RATE, TYPOLOGY one of {choices}"
            ) from None
    return rates


@app.command("simulate")
def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="Filings file: .jsonl, .csv or .parquet.")],
    filings: Annotated[
        int, typer.Option("--filings", min=1, help="Filing records to write.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same bytes.")] = 0,
    start: Annotated[
        str, typer.Option("--start", help="First day of the period (UTC).")
    ] = "2026-01-05",
    days: Annotated[float, typer.Option("--days", min=0.1, help="Length of the period.")] = 30.0,
    threat_rate: Annotated[
        float | None,
        typer.Option(
            "--threat-rate",
            min=0.0,
            max=0.5,
            help="Share of filings with a threat (default 0.005).",
        ),
    ] = None,
    typology_rate: Annotated[
        list[str] | None,
        typer.Option(
            "--typology-rate", help="TYPOLOGY=RATE, repeatable; applied after --threat-rate."
        ),
    ] = None,
    invalid_rate: Annotated[float, typer.Option("--invalid-rate", min=0.0, max=0.5)] = 0.005,
    watchlists: Annotated[
        Path | None,
        typer.Option(
            "--watchlists", help="Directory for CA.watchlist.jsonl and US.watchlist.jsonl."
        ),
    ] = None,
    history_days: Annotated[
        float,
        typer.Option(
            "--history-days",
            min=0.0,
            help="Also simulate this many days before --start, with exams.",
        ),
    ] = 0.0,
    history_filings: Annotated[
        int | None,
        typer.Option(
            "--history-filings", min=1, help="Filings in the history (default: in proportion)."
        ),
    ] = None,
    exams: Annotated[
        Path | None,
        typer.Option("--exams", help="Exam outcomes file (default <stem>.exams.parquet)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes building the traffic (default: one per processor, up to 4). "
            "The output is the same for any number.",
        ),
    ] = None,
) -> None:
    """Write simulated filings and, beside them, the ground truth (<stem>.truth.parquet)."""
    if out.suffix not in FORMATS:
        raise typer.BadParameter(
            f"the extension must be one of {', '.join(FORMATS)}", param_hint="--out"
        )
    config = SimulationConfig(
        filings=filings, seed=seed, start=_date(start), days=days, invalid_rate=invalid_rate
    )
    if threat_rate is not None:
        config = config.with_threat_rate(threat_rate)
    if typology_rate:
        config = SimulationConfig(
            **{**config.__dict__, "threat_rates": config.threat_rates | _rates(typology_rate)}
        )
    if exams is not None and history_days <= 0:
        raise typer.BadParameter("exam outcomes need a history period", param_hint="--history-days")
    out.parent.mkdir(parents=True, exist_ok=True)
    written = simulate(
        config,
        out,
        watchlists=watchlists,
        history_days=history_days,
        history_filings=history_filings,
        exams=exams,
        workers=workers,
    )
    typer.echo(f"wrote {written.filings:,} filings and {written.exams:,} exam outcomes:")
    for path in written.files:
        typer.echo(f"  {path}")
