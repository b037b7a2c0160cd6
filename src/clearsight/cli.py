"""`clearsight <command>`: parses, calls one module, prints."""
import json
import sys

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from .catalog import CatalogError, load_catalog


def _catalog(ctx):
    try:
        return load_catalog(ctx.obj["root"])
    except CatalogError as error:
        raise click.ClickException(str(error)) from None


def _select_rules(catalog, names):
    if not names:
        return list(catalog.rules.values())
    wanted = [n.strip() for name in names for n in name.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in catalog.rules]
    if unknown:
        raise click.BadParameter(
            f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(catalog.rules))}", param_hint="--rules"
        )
    return [catalog.rules[n] for n in wanted]


@click.group()
@click.option("--root", type=click.Path(exists=True, file_okay=False), envvar="CLEARSIGHT_ROOT",
              help="Repository holding rules/, remediation-documents/, conformance-packs/ (default: this checkout).")
@click.pass_context
def main(ctx, root):
    """clearsight: custom AWS Config rules, remediations and conformance packs, proven offline."""
    ctx.obj = {"root": root}


@main.command()
@click.option("--rules", "rule_names", multiple=True, help="Rule names (repeat or comma-separate); default: all.")
@click.option("--region", "regions", multiple=True, help="Region to scan (repeatable); default: the session's.")
@click.option("--profile", help="AWS profile for the account to scan; default: the usual credential chain.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def scan(ctx, rule_names, regions, profile, output):
    """Evaluate rules (periodic path) against an account and print the results."""
    from .evaluate import scan as run_scan
    from .report.terminal import print_scan

    catalog = _catalog(ctx)
    rules = _select_rules(catalog, rule_names)
    try:
        session = boto3.Session(profile_name=profile)
        regions = list(regions) or [session.region_name or "us-east-1"]
        result = run_scan(rules, session, regions)
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"cannot reach the account: {error}") from None
    if output == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        print_scan(Console(), result)


@main.command()
@click.pass_context
def demo(ctx):
    """Seed the embedded account (moto, in process), scan it and print the table."""
    from .demo import run_demo

    sys.exit(run_demo(_catalog(ctx), Console()))


if __name__ == "__main__":
    main()
