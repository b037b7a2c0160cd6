"""`clearsight report`: a stored run (or AWS Config's own results) as a table, JSON, CSV or HTML."""
import json
import sys
from pathlib import Path

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from ..regions import region_problem
from ..results import DEFAULT_PATH, StoreError, open_store
from .csv_report import render_csv
from .html import render_html
from .model import ReportError, UnknownRunError, report_from_store
from .table import print_report

FORMATS = ("table", "json", "csv", "html")


def _known_regions(_ctx, param, values):
    for value in values:
        problem = region_problem(value)
        if problem:
            raise click.BadParameter(problem, param=param)
    return values


def _from_config(aggregator, regions, profile) -> dict:
    from ..endpoints import prepare_session
    from ..evaluate import account_of
    from .from_config import from_account, from_aggregator

    session = prepare_session(boto3.Session(profile_name=profile, region_name=regions[0] if regions else None))
    home = session.region_name or "us-east-1"
    try:
        if aggregator:
            return from_aggregator(session.client("config", region_name=home), aggregator)
        clients = {region: session.client("config", region_name=region) for region in dict.fromkeys(regions or [home])}
        return from_account(clients, account_of(session, home))
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchConfigurationAggregatorException":
            raise click.BadParameter(f"no aggregator {aggregator!r} in {home}: {error}", param_hint="--aggregator") from None
        raise click.ClickException(f"cannot read AWS Config: {error}") from None
    except BotoCoreError as error:
        raise click.ClickException(f"cannot read AWS Config: {error}") from None


def _from_store(db, run_id) -> dict:
    try:
        with open_store(db, create=False) as store:
            return report_from_store(store, run_id)
    except (StoreError, UnknownRunError) as error:
        raise click.UsageError(str(error)) from None
    except ReportError as error:
        raise click.ClickException(str(error)) from None


def _json(report: dict) -> str:
    return json.dumps(report, indent=2) + "\n"


RENDERERS = {"json": _json, "csv": render_csv, "html": render_html}


def write_report(report: dict, output: str, stream, width: int | None = None) -> None:
    """The report in one format onto a stream; tables fold to width (default: the terminal's)."""
    if output == "table":
        print_report(Console(file=stream, width=width), report)
    else:
        stream.write(RENDERERS[output](report))


@click.command()
@click.option("--db", type=click.Path(dir_okay=False), default=str(DEFAULT_PATH), envvar="CLEARSIGHT_DB", show_default=True,
              help="Results store that `clearsight scan` writes (env CLEARSIGHT_DB).")
@click.option("--run", "run_id", type=click.IntRange(min=1), help="Run id; default: the latest complete run.")
@click.option("--format", "output", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--from-config", is_flag=True, help="Read AWS Config's own compliance (deployed rules) instead of the store.")
@click.option("--aggregator", help="With --from-config: read this configuration aggregator (its accounts and regions).")
@click.option("--region", "regions", multiple=True, callback=_known_regions, help="With --from-config: region(s) to read; default: the session's.")
@click.option("--profile", help="With --from-config: AWS profile; default: the usual credential chain.")
def report(db, run_id, output, out, from_config, aggregator, regions, profile):
    """Report a stored scan: summary, by rule/account/region/type, findings, errors, change since the last run.

    Exit 0 when the report was made; 1 when there is nothing to report (no complete run yet) or
    AWS Config cannot be read; 2 on usage errors (no store at --db, unknown --run).
    """
    if not from_config and (aggregator or regions or profile):
        raise click.UsageError("--aggregator/--region/--profile read AWS Config: add --from-config")
    if from_config and run_id:
        raise click.UsageError("--run names a stored run; --from-config reads AWS Config instead: give one of them")
    data = _from_config(aggregator, regions, profile) if from_config else _from_store(db, run_id)
    if not out:
        write_report(data, output, sys.stdout)
        return
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as handle:
            write_report(data, output, handle, width=100)
    except OSError as error:
        raise click.BadParameter(f"cannot write {out}: {error.strerror}", param_hint="--out") from None
    click.echo(f"wrote {out}", err=True)
