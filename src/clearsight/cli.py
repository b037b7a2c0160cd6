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


def _parse_assignments(values, option="--parameter"):
    """KEY=VALUE options (repeatable); repeating a key makes a list, as StaticValue.Values does."""
    parsed = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint=option)
        parsed.setdefault(key, []).append(item)
    return parsed


def _rule_overrides(values, selected):
    """--rule-parameter RULE.KEY=VALUE -> {rule: {key: value}}, for rules this scan runs."""
    overrides = {}
    for name, items in _parse_assignments(values, "--rule-parameter").items():
        rule, dot, key = name.partition(".")
        if not dot or not key or rule not in selected:
            raise click.BadParameter(f"{name!r} is not RULE.KEY for a rule this scan runs ({', '.join(sorted(selected))})",
                                     param_hint="--rule-parameter")
        if len(items) > 1:
            raise click.BadParameter(f"{name} is given {len(items)} times; give it once", param_hint="--rule-parameter")
        overrides.setdefault(rule, {})[key] = items[0]
    return overrides


@main.command()
@click.option("--rules", "rule_names", multiple=True, help="Rule names (repeat or comma-separate); default: all.")
@click.option("--region", "regions", multiple=True, help="Region to scan (repeatable); default: the session's.")
@click.option("--profile", help="AWS profile for the account to scan; default: the usual credential chain.")
@click.option("--rule-parameter", "rule_parameters", multiple=True, metavar="RULE.KEY=VALUE",
              help="Rule parameter overriding parameters.json's (repeatable), e.g. S3_BUCKET_KMS_ENCRYPTION.KmsKeyArns=arn:...")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def scan(ctx, rule_names, regions, profile, rule_parameters, output):
    """Evaluate rules (periodic path) against an account and print the results."""
    from .evaluate import scan as run_scan
    from .report.terminal import print_scan

    catalog = _catalog(ctx)
    rules = _select_rules(catalog, rule_names)
    overrides = _rule_overrides(rule_parameters, {rule.name for rule in rules})
    try:
        session = boto3.Session(profile_name=profile)
        regions = list(regions) or [session.region_name or "us-east-1"]
        result = run_scan(rules, session, regions, overrides)
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



@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, paths, output):
    """Check rules, remediations, documents and packs beyond cfn-lint (no PATH: the whole catalog).

    Exit 0 when clean, 1 on any finding, 2 on a usage error.
    """
    from .catalog import default_root
    from .validate import UsageError, validate as run_validate

    try:
        findings = run_validate(paths, ctx.obj["root"] or default_root())
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    if output == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{len(findings)} finding(s)" if findings else "clean", err=True)
    sys.exit(1 if findings else 0)


@main.command()
@click.option("--lambda-account", help="Fill in literal Lambda ARNs for this account (with --region; needs --out).")
@click.option("--region", help="Region of the rule Lambdas (with --lambda-account).")
@click.option("--remediation-account", help="Account of the remediation role (default: parameters.json's; needs --out).")
@click.option("--out", type=click.Path(file_okay=False), help="Write here instead of conformance-packs/.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a committed pack differs from a fresh build.")
@click.pass_context
def build(ctx, lambda_account, region, remediation_account, out, check):
    """Build conformance-packs/*.yaml from the catalog and conformance-packs/manifest/packs.yaml."""
    from .packs import BuildError, Options, build_all, load_manifest, write

    if (lambda_account or remediation_account) and not out:
        raise click.UsageError("--lambda-account/--remediation-account build account-specific packs: give --out DIR "
                               "(the committed packs stay generic)")
    catalog = _catalog(ctx)
    try:
        built = build_all(catalog, load_manifest(catalog.root), Options(lambda_account, region, remediation_account), out)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    if check:
        stale = [str(path) for path, text in built.items() if not path.exists() or path.read_text() != text]
        for path in stale:
            click.echo(f"{path}: differs from a fresh build; run `clearsight build`")
        sys.exit(1 if stale else 0)
    write(built)
    for path in built:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("rule_name", metavar="RULE")
@click.option("--resource-id", required=True, help="The non-compliant resource, as the rule reports it.")
@click.option("--parameter", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Document parameter overriding the Remediation block's (repeatable).")
@click.option("--region", help="Region of the resource; default: the session's.")
@click.option("--profile", help="AWS profile of the account; default: the usual credential chain.")
@click.option("--embedded", is_flag=True, help="Run against a freshly seeded embedded account (moto) instead.")
@click.option("--dry-run", is_flag=True, help="Resolve every step and show the calls; change nothing.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def remediate(ctx, rule_name, resource_id, assignments, region, profile, embedded, dry_run, output):
    """Run RULE's paired document on one resource, then evaluate the rule again (before -> after).

    Exit 0 when the document succeeded and the resource is COMPLIANT (or, with --dry-run, when
    the dry run succeeded); 1 otherwise; 2 on usage errors.
    """
    from .automation import DocumentError, ParameterError
    from .remediate import RemediationError, remediate as run_remediation
    from .report.terminal import print_remediation

    catalog = _catalog(ctx)
    _select_rules(catalog, [rule_name])
    overrides = _parse_assignments(assignments)
    try:
        if embedded:
            from .sandbox import embedded_account, remediation_parameters, seed_estate

            with embedded_account(region or "us-east-1") as session:
                seeded = remediation_parameters(seed_estate(session, session.region_name))
                parameters = dict(seeded.get(rule_name, {}), **overrides)
                outcome = run_remediation(catalog, rule_name, resource_id, session, session.region_name, parameters, dry_run)
        else:
            session = boto3.Session(profile_name=profile, region_name=region)
            outcome = run_remediation(catalog, rule_name, resource_id, session, session.region_name or "us-east-1", overrides, dry_run)
    except (RemediationError, ParameterError, DocumentError) as error:
        raise click.UsageError(str(error)) from None
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"cannot reach the account: {error}") from None
    if output == "json":
        click.echo(json.dumps(outcome.to_dict(), indent=2, default=str))
    else:
        print_remediation(Console(), outcome)
    succeeded = outcome.execution.status == "Success"
    sys.exit(0 if succeeded and (dry_run or outcome.fixed) else 1)


if __name__ == "__main__":
    main()
