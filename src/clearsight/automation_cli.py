"""`clearsight automation run`: any Automation document, from a file or the catalog, run step by step.

"sam local invoke" for Automation: the same engine, checks and record as `remediate`, without
a rule around it. Parameters arrive as text (--parameter K=V, repeatable) and are typed by the
document's declarations: a StringList takes comma-separated values, Booleans and Integers their text.
"""
import json
import sys
from pathlib import Path

import click


@click.group()
def automation():
    """Run SSM Automation documents locally, with the engine `remediate` uses."""


def _document_path(ctx, document: str) -> Path:
    """A file path as given, else the catalog's document of that name."""
    from .catalog import CatalogError, default_root, load_catalog

    path = Path(document)
    if path.is_file():
        return path
    if path.suffix in (".yaml", ".yml", ".json") or len(path.parts) > 1:
        raise click.BadParameter(f"no such file {document!r}", param_hint="DOCUMENT")
    try:
        catalog = load_catalog(ctx.obj["root"] or default_root())
    except CatalogError as error:
        raise click.ClickException(str(error)) from None
    if document not in catalog.documents:
        raise click.BadParameter(f"{document!r} is neither a file nor a document of the catalog; known: "
                                 f"{', '.join(sorted(catalog.documents))}", param_hint="DOCUMENT")
    return catalog.documents[document].path


def _parameters(assignments, declared: dict) -> dict:
    """--parameter K=V pairs as the engine takes them: StringLists split on commas, the rest as text."""
    parameters = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{assignment!r} is not KEY=VALUE", param_hint="--parameter")
        if key in parameters:
            raise click.BadParameter(f"{key} given twice; a StringList takes one comma-separated value",
                                     param_hint="--parameter")
        kind = str((declared.get(key) or {}).get("type"))
        parameters[key] = [item.strip() for item in value.split(",") if item.strip()] if kind == "StringList" else value
    return parameters


@automation.command("run")
@click.argument("document", metavar="DOCUMENT")
@click.option("--parameter", "assignments", multiple=True, metavar="KEY=VALUE",
              help="A document parameter (repeatable); a StringList takes comma-separated values.")
@click.option("--region", help="Region to run in; default: the session's, else us-east-1.")
@click.option("--profile", help="AWS profile of the account; default: the usual credential chain.")
@click.option("--embedded", is_flag=True, help="Run against a freshly seeded embedded account (moto) instead.")
@click.option("--dry-run", is_flag=True, help="Send only reads; show every change the run would make.")
@click.option("--approve", is_flag=True, help="Pass aws:pause and aws:approve steps (nobody can resume a local run).")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def run(ctx, document, assignments, region, profile, embedded, dry_run, approve, output):
    """Run DOCUMENT (a file, or a document name in the catalog) and print its execution record.

    Exit 0 when the run ends in Success, 1 when it fails (or the account cannot be reached),
    2 on usage errors (bad document, unknown or invalid parameter), 130 when Ctrl-C cancelled it.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
    from rich.console import Console

    from .automation import DocumentError, ParameterError, load_document, run_document
    from .report.terminal import print_execution

    try:
        loaded = load_document(_document_path(ctx, document))
        parameters = _parameters(assignments, loaded.parameters)
        if embedded:
            from .sandbox import embedded_account, seed_estate

            with embedded_account(region or "us-east-1") as session:
                seed_estate(session, session.region_name)
                execution = run_document(loaded, parameters, session, dry_run=dry_run, approve=approve)
        else:
            session = boto3.Session(profile_name=profile, region_name=region)
            execution = run_document(loaded, parameters, session, region=session.region_name or "us-east-1",
                                     dry_run=dry_run, approve=approve)
    except (DocumentError, ParameterError) as error:
        raise click.UsageError(str(error)) from None
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"cannot reach the account: {error}") from None
    if output == "json":
        click.echo(json.dumps({"execution": execution.to_dict()}, indent=2, default=str))
    else:
        print_execution(Console(), execution, loaded.name)
    sys.exit({"Success": 0, "Cancelled": 130}.get(execution.status, 1))  # Cancelled: Ctrl-C during a step
