"""`clearsight deploy ...`: the layer, rules, documents, a pack, an Organization rollout.

Every subcommand takes --plan (print the calls it would make, in order, sending only reads)
and --format table|json. Exit 0 when everything deployed (or the plan was made), 1 when a
deployment failed or the account could not be reached, 2 on usage errors.
"""
from __future__ import annotations

import json
import shutil
import sys

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError

from .steps import Deployer, DeployError, InputError

EXIT_CODES = ("Exit status: 0 deployed (or planned); 1 a deployment failed or the account could not be reached; "
              "2 usage error; 130 interrupted (Ctrl-C).")
FORMAT = click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
PLAN = click.option("--plan", is_flag=True, help="Print every call it would make, in order; send only reads.")
PROFILE = click.option("--profile", help="AWS profile; default: the usual credential chain.")
OVERRIDES = click.option("--remediation-parameter", "remediation_parameters", multiple=True, metavar="RULE.NAME=VALUE",
                         help="Value for a Remediation block parameter that holds a placeholder (repeatable).")


def _regions(values, hint="--region") -> list[str]:
    from ..regions import region_problem

    regions = list(dict.fromkeys(r.strip() for value in values for r in value.split(",")))
    problems = [problem for region in regions if (problem := region_problem(region))]
    if problems or not regions:
        raise click.BadParameter("; ".join(problems) or "give a region such as us-east-1", param_hint=hint)
    return regions


def _overrides(values) -> dict:
    parsed = {}
    for value in values:
        name, sep, item = value.partition("=")
        rule, dot, key = name.partition(".")
        if not sep or not dot or not rule or not key:
            raise click.BadParameter(f"{value!r} is not RULE.NAME=VALUE", param_hint="--remediation-parameter")
        parsed.setdefault(rule, {})[key] = item
    return parsed


def _deployer(profile, region, plan) -> Deployer:
    session = boto3.Session(profile_name=profile, region_name=region)
    from ..endpoints import prepare_session

    prepare_session(session)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    return Deployer(session, account, plan)


def _catalog_and_manifest(ctx):
    from ..cli import _catalog
    from ..packs import BuildError, load_manifest

    catalog = _catalog(ctx)  # a --root without a catalog is a usage error there
    try:
        return catalog, load_manifest(catalog.root)
    except BuildError as error:
        raise click.ClickException(str(error)) from None


def _finish(deployer: Deployer, output: str, results: dict, failed: bool):
    steps = [step.to_dict() for step in deployer.steps]
    if output == "json":
        click.echo(json.dumps({"plan": deployer.plan, "steps": steps, **results}, indent=2, default=str))
    else:
        click.echo(("Plan: calls a deployment would make, in order" if deployer.plan else "Calls made") +
                   f" ({len(steps)}):")
        width = shutil.get_terminal_size().columns
        for number, step in enumerate(deployer.steps, 1):
            first, *rest = step.lines(width)
            click.echo(f"{number:3}. {first}")
            for line in rest:
                click.echo(f"    {line}")
        for kind, items in results.items():
            for item in items:
                click.echo(f"{kind}: " + " ".join(f"{k}={v}" for k, v in item.items() if v not in ("", [], None)))
    sys.exit(1 if failed else 0)


def _run(work):
    try:
        return work()
    except InputError as error:
        raise click.UsageError(str(error)) from None
    except DeployError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except (BotoCoreError, ClientError) as error:
        click.echo(f"Error: cannot complete the deployment: {error}", err=True)
        sys.exit(1)


def _root_after_command(command):
    from ..cli import _root_after_command as accept_root

    return accept_root(command)


@click.group()
def deploy():
    """Deploy the layer, rules, documents and packs to an account or an Organization (see --plan).

    Exit 0 when everything deployed (or the plan was made), 1 when a deployment failed or the
    account could not be reached, 2 on usage errors.
    """


@deploy.command(epilog=EXIT_CODES)
@_root_after_command
@click.option("--region", "regions", multiple=True, required=True, help="Region (repeatable or comma-separated).")
@PROFILE
@PLAN
@FORMAT
def layer(regions, profile, plan, output):
    """Publish the rdklib layer pinned to the installed rdklib (reused when unchanged); print its ARN."""
    from .layer import ensure_layer

    regions = _regions(regions)
    deployer = _run(lambda: _deployer(profile, regions[0], plan))
    arns = _run(lambda: [{"region": region, "arn": ensure_layer(deployer, region)} for region in regions])
    _finish(deployer, output, {"layers": arns}, False)


@deploy.command(epilog=EXIT_CODES)
@_root_after_command
@click.option("--region", required=True, help="Region to deploy the documents to.")
@click.option("--remediation-role", default="clearsight-remediation", show_default=True,
              help="Name of the role the documents assume (created or updated with their policies).")
@PROFILE
@PLAN
@FORMAT
@click.pass_context
def documents(ctx, region, remediation_role, profile, plan, output):
    """Create or update every remediation document (new version only when changed) and the remediation role."""
    from .documents import deploy_documents

    (region,) = _regions([region])
    catalog, _ = _catalog_and_manifest(ctx)
    deployer = _run(lambda: _deployer(profile, region, plan))
    outcomes = _run(lambda: deploy_documents(deployer, catalog, region, remediation_role))
    _finish(deployer, output, {"documents": [vars(o) for o in outcomes]}, False)


@deploy.command(epilog=EXIT_CODES)
@_root_after_command
@click.argument("rule_names", nargs=-1, metavar="[RULE ...]")
@click.option("--region", required=True, help="Region to deploy the rules to.")
@click.option("--rdklib-layer-arn", help="Use this rdklib layer instead of clearsight's own (deploy layer).")
@click.option("--remediation-role", default="clearsight-remediation", show_default=True)
@click.option("--without-remediation", is_flag=True, help="Deploy the rules without their Remediation blocks.")
@OVERRIDES
@PROFILE
@PLAN
@FORMAT
@click.pass_context
def rules(ctx, rule_names, region, rdklib_layer_arn, remediation_role, without_remediation, remediation_parameters,
          profile, plan, output):
    """`rdk deploy` each rule (default: all) with its least-privilege role, then check its stack."""
    from .rules import RuleOptions, deploy_rules

    (region,) = _regions([region])
    catalog, _ = _catalog_and_manifest(ctx)
    unknown = [name for name in rule_names if name not in catalog.rules]
    if unknown:
        raise click.BadParameter(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(catalog.rules))}",
                                 param_hint="RULE")
    selected = [catalog.rules[name] for name in (rule_names or sorted(catalog.rules))]
    options = RuleOptions(rdklib_layer_arn, remediation_role, _overrides(remediation_parameters),
                          not without_remediation, profile)
    deployer = _run(lambda: _deployer(profile, region, plan))
    outcomes = _run(lambda: deploy_rules(deployer, catalog, selected, region, options))
    _finish(deployer, output, {"rules": [o.to_dict() for o in outcomes]},
            any(o.action == "failed" for o in outcomes))


@deploy.command(epilog=EXIT_CODES)
@_root_after_command
@click.argument("pack")
@click.option("--region", required=True, help="Region to deploy the pack to.")
@click.option("--template-bucket", help="S3 bucket (same region) for a template over 51,200 bytes.")
@OVERRIDES
@PROFILE
@PLAN
@FORMAT
@click.pass_context
def pack(ctx, pack, region, template_bucket, remediation_parameters, profile, plan, output):
    """Render PACK for this account, PutConformancePack, and wait for CREATE_COMPLETE (or the failure)."""
    from .pack import deploy_pack

    (region,) = _regions([region])
    catalog, manifest = _catalog_and_manifest(ctx)
    if pack not in manifest["packs"]:
        raise click.BadParameter(f"no pack {pack!r}; known: {', '.join(manifest['packs'])}", param_hint="PACK")
    deployer = _run(lambda: _deployer(profile, region, plan))
    outcome = _run(lambda: deploy_pack(deployer, catalog, manifest, pack, region, _overrides(remediation_parameters),
                                       template_bucket))
    entry = outcome.to_dict()
    if outcome.silent_here:
        click.echo(f"Warning: {outcome.silent_here}", err=True)
        if output == "table":
            del entry["silent_here"]  # said on stderr; the table line stays one line
    _finish(deployer, output, {"packs": [entry]}, outcome.status not in ("CREATE_COMPLETE", "planned"))


@deploy.command(epilog=EXIT_CODES)
@_root_after_command
@click.argument("pack")
@click.option("--regions", required=True, help="Comma-separated regions (the first also holds the member roles).")
@click.option("--exclude-accounts", default="", help="Comma-separated account ids to leave out.")
@click.option("--rdklib-layer-arn", help="Use this rdklib layer instead of clearsight's own.")
@click.option("--remediation-role", default="clearsight-remediation", show_default=True)
@OVERRIDES
@PROFILE
@PLAN
@FORMAT
@click.pass_context
def organization(ctx, pack, regions, exclude_accounts, rdklib_layer_arn, remediation_role, remediation_parameters,
                 profile, plan, output):
    """Roll PACK out to every account of the Organization (run from the management or delegated-admin account)."""
    from .organization import deploy_organization, member_failed
    from .rules import RuleOptions

    regions = _regions([regions], "--regions")
    excluded = {a.strip() for a in exclude_accounts.split(",") if a.strip()}
    bad = [a for a in excluded if not (a.isdigit() and len(a) == 12)]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not a 12-digit account id", param_hint="--exclude-accounts")
    catalog, manifest = _catalog_and_manifest(ctx)
    if pack not in manifest["packs"]:
        raise click.BadParameter(f"no pack {pack!r}; known: {', '.join(manifest['packs'])}", param_hint="PACK")
    options = RuleOptions(rdklib_layer_arn, remediation_role, _overrides(remediation_parameters), True, profile)
    deployer = _run(lambda: _deployer(profile, regions[0], plan))
    outcome = _run(lambda: deploy_organization(deployer, catalog, manifest, pack, regions, excluded, options))
    failed = any(o.action == "failed" for o in outcome.rules) or any(
        member_failed(account) for entry in outcome.packs for account in entry["accounts"])
    _finish(deployer, output, {"organization": [{"management": outcome.organization.management,
                                                 "members": ",".join(outcome.organization.members)}],
                               "rules": [o.to_dict() for o in outcome.rules], "packs": outcome.packs}, failed)
