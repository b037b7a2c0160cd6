"""`clearsight <command>`: parses, calls one module, prints."""
import json
import sys

import boto3
import click
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console

from . import __version__
from .__main__ import interrupted
from .catalog import CatalogError, NotACatalog, catalog_root, load_catalog
from .regions import region_problem

EXIT_CODES = "Exit status: 0 it ran{ran}; 1 {failed}; 2 usage error; 130 interrupted (Ctrl-C)."


def _root(ctx):
    try:
        return catalog_root(ctx.obj["root"])
    except NotACatalog as error:
        raise click.UsageError(str(error)) from None


def _catalog(ctx):
    try:
        return load_catalog(_root(ctx))
    except CatalogError as error:
        raise click.ClickException(str(error)) from None


def _select_rules(catalog, names, param_hint="--rules"):
    if not catalog.rules:
        raise click.UsageError(f"no rules in {catalog.root / 'rules'}: point --root (or CLEARSIGHT_ROOT) at a clearsight checkout")
    if not names:
        return list(catalog.rules.values())
    wanted = [n.strip() for name in names for n in name.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in catalog.rules]
    if unknown:
        raise click.BadParameter(
            f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(catalog.rules))}", param_hint=param_hint
        )
    return [catalog.rules[n] for n in wanted]


def _results_store(path):
    from .results import StoreError, open_store

    try:
        return open_store(path)
    except StoreError as error:
        raise click.BadParameter(str(error), param_hint="--db") from None


class _Clearsight(click.Group):
    """Ctrl-C in a command exits 130 with one line (click alone says "Aborted!" and exits 1)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupted()


ROOT_HELP = "Repository holding rules/, remediation-documents/, conformance-packs/ (default: this checkout)."
ROOT_TYPE = click.Path(exists=True, file_okay=False)


def _root_after_command(command):
    """--root is also accepted after the subcommand, as the README writes it."""

    def remember(ctx, _param, value):
        if value is not None:
            ctx.obj["root"] = value

    return click.option("--root", type=ROOT_TYPE, expose_value=False, callback=remember, help=ROOT_HELP)(command)


class _Region(click.ParamType):
    """A region botocore knows; anything else is a usage error before any call is made."""

    name = "region"

    def convert(self, value, param, ctx):
        problem = region_problem(value)
        if problem:
            self.fail(problem, param, ctx)
        return value


REGION = _Region()


class _RegionOrAll(_Region):
    """A region, or `all`: every region the account has enabled."""

    name = "region|all"

    def convert(self, value, param, ctx):
        return value if value == "all" else super().convert(value, param, ctx)


@click.group(cls=_Clearsight, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="clearsight")
@click.option("--root", type=ROOT_TYPE, envvar="CLEARSIGHT_ROOT", help=ROOT_HELP)
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


def _check_rule_parameters(rules, overrides):
    """Command-line parameters are judged by each rule's own evaluate_parameters before any rule runs."""
    from .evaluate import parameter_problem

    for rule in rules:
        if rule.name in overrides:
            problem = parameter_problem(rule, dict(rule.effective_parameters, **overrides[rule.name]))
            if problem:
                raise click.BadParameter(f"{rule.name}: {problem}", param_hint="--rule-parameter")


@main.command(epilog=EXIT_CODES.format(ran=" and every rule looked (whatever the compliance)",
                                      failed="the account cannot be reached, or a rule, resource or account could not be "
                                             "looked at (listed under errors: the evidence is incomplete)"))
@_root_after_command
@click.option("--rules", "rule_names", multiple=True, help="Rule names (repeat or comma-separate); default: all.")
@click.option("--region", "regions", multiple=True, type=_RegionOrAll(),
              help="Region to scan (repeatable), or all: the account's enabled regions; default: the profile's region, else us-east-1.")
@click.option("--profile", help="AWS profile for the account to scan; default: the usual credential chain.")
@click.option("--accounts", "account_ids", multiple=True, metavar="ID[,ID]",
              help="Accounts to scan (repeat or comma-separate) through --assume-role-name; the caller's own with its credentials.")
@click.option("--organization", is_flag=True,
              help="Scan every ACTIVE account of the AWS Organization (from the management or a delegated-admin account).")
@click.option("--exclude-accounts", "excluded", multiple=True, metavar="ID[,ID]", help="Accounts to leave out of --organization or --accounts.")
@click.option("--assume-role-name", "role_name", help="Role to assume in every other account, e.g. OrganizationAccountAccessRole.")
@click.option("--external-id", help="ExternalId for the role's trust policy (with --assume-role-name).")
@click.option("--workers", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Rule runs (one rule, account and region each) at a time; each reads up to 10 resources at once.")
@click.option("--rule-parameter", "rule_parameters", multiple=True, metavar="RULE.KEY=VALUE",
              help="Rule parameter overriding parameters.json's (repeatable), e.g. S3_BUCKET_KMS_ENCRYPTION.KmsKeyArns=arn:...")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", default=".clearsight/results.db", type=click.Path(dir_okay=False), envvar="CLEARSIGHT_DB",
              show_default=True, help="Results store this scan is added to, as a run (see `clearsight report`).")
@click.option("--no-store", is_flag=True, help="Do not store this scan.")
@click.pass_context
def scan(ctx, rule_names, regions, profile, account_ids, organization, excluded, role_name, external_id, workers,
         rule_parameters, output, db, no_store):
    """Evaluate rules (periodic path) against accounts and regions and print the results.

    One account by default (the caller's); --accounts or --organization scan many, each with
    --assume-role-name's credentials. An account that cannot be assumed is one error entry;
    the others go on. Account-level rules report once per account. Each scan is stored as a
    run in --db (see `clearsight report`) unless --no-store.
    """
    from .report.terminal import print_scan
    from .results import StoreError, recording
    from .scan import AccountsError, parse_accounts, progress_for, resolve_regions, scan_targets, targets

    catalog = _catalog(ctx)
    rules = _select_rules(catalog, rule_names)
    overrides = _rule_overrides(rule_parameters, {rule.name for rule in rules})
    _check_rule_parameters(rules, overrides)
    if organization and account_ids:
        raise click.UsageError("--organization scans every account of the organization; give it or --accounts, not both")
    if excluded and not (organization or account_ids):
        raise click.UsageError("--exclude-accounts leaves accounts out of --organization or --accounts; give one of them")
    if external_id and not role_name:
        raise click.UsageError("--external-id goes with --assume-role-name")
    store = None if no_store else _results_store(db)
    try:
        wanted, skipped = parse_accounts(account_ids, "--accounts"), parse_accounts(excluded, "--exclude-accounts")
        session = boto3.Session(profile_name=profile)
        regions = resolve_regions(regions, session)
        if organization:
            wanted = _organization_accounts(session, regions[0])
        if (organization or account_ids) and not [a for a in wanted if a not in skipped]:
            raise click.UsageError("--exclude-accounts leaves no account to scan")
        found = targets(session, regions[0], [a for a in wanted if a not in skipped], role_name, external_id)
        if store is None:
            result = scan_targets(rules, found, regions, overrides, workers, progress_for(output))
        else:
            with store, recording(store, [t.account for t in found], regions, [r.name for r in rules]) as recorder:
                result = scan_targets(rules, found, regions, overrides, workers, progress_for(output),
                                      on_result=recorder)
            click.echo(f"stored as run {recorder.run_id} in {db} (see `clearsight report`)", err=True)
    except AccountsError as error:
        raise click.UsageError(str(error)) from None
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"cannot reach the account: {error}") from None
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    if output == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        print_scan(Console(), result)
    sys.exit(1 if result.errors else 0)  # a gate must tell incomplete evidence from a clean run


def _organization_accounts(session, region):
    from .scan import organization_accounts

    try:
        return organization_accounts(session, region)
    except ClientError as error:
        raise click.ClickException(f"cannot list the organization's accounts ({error.response['Error']['Code']}): run from the "
                                   "management account or a delegated administrator, or name them with --accounts") from None


@main.command(epilog=EXIT_CODES.format(ran=" and every finding with a document was fixed", failed="a remediation or the second scan fell short"))
@_root_after_command
@click.option("--db", default=".clearsight/demo.db", type=click.Path(dir_okay=False), show_default=True,
              help="Results store of the demo's runs (kept apart from scans of real accounts).")
@click.option("--dashboard", default=".clearsight/demo-dashboard.html", type=click.Path(dir_okay=False),
              show_default=True, help="Where the HTML dashboard is written.")
@click.pass_context
def demo(ctx, db, dashboard):
    """The whole loop offline, on an embedded account (moto, in process, nothing leaves this machine).

    Seeds compliant and non-compliant resources, scans them with every rule, remediates each
    finding that has a paired document (the local Automation engine, step by step), then scans
    again to show the findings turned COMPLIANT. Both scans are stored as runs and the HTML
    dashboard is written; the last lines say where.
    """
    from .demo import run_demo

    catalog = _catalog(ctx)
    _results_store(db).close()  # a usable store, checked before the demo starts
    sys.exit(run_demo(catalog, Console(), db=db, dashboard=dashboard))


@main.command(epilog=EXIT_CODES.format(ran=" and found nothing", failed="findings"))
@_root_after_command
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one finding a line (FILE:PLACE: SEVERITY ID message), for editors and grep; json: a list.")
@click.option("--strict", is_flag=True, help="Apply this project's conventions to files outside a catalog too.")
@click.pass_context
def validate(ctx, paths, output, strict):
    """Check rules, remediations, documents and packs beyond cfn-lint (no PATH: the whole catalog).

    PATH may be any conformance pack, Automation document (.yaml/.yml/.json) or rdk rule
    directory, in a catalog or not, or a directory holding them. Exit 0 when no finding is an
    error, 1 when one is, 2 on a usage error.
    """
    from .validate import UsageError, validate as run_validate

    try:
        findings = run_validate(paths, None if paths else _root(ctx), strict=strict)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    errors = sum(f.severity == "error" for f in findings)
    if output == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)" if findings else "clean", err=True)
    sys.exit(1 if errors else 0)


@main.command(epilog=EXIT_CODES.format(ran="", failed="the build failed or, with --check, a committed pack is stale"))
@_root_after_command
@click.option("--lambda-account", help="Fill in literal Lambda ARNs for this account (with --region; needs --out).")
@click.option("--region", type=REGION, help="Region of the rule Lambdas (with --lambda-account).")
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
        stale = [str(path) for path, text in built.items() if not path.exists() or path.read_bytes() != text.encode()]
        for path in stale:
            click.echo(f"{path}: differs from a fresh build; run `clearsight build`")
        sys.exit(1 if stale else 0)
    write(built)
    for path in built:
        click.echo(f"wrote {path}")


@main.command(epilog=EXIT_CODES.format(ran=": the document succeeded and the resource is COMPLIANT (--dry-run: the dry run succeeded)",
                                      failed="otherwise"))
@_root_after_command
@click.argument("rule_name", metavar="RULE")
@click.option("--resource-id", required=True, help="The non-compliant resource, as the rule reports it.")
@click.option("--parameter", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Document parameter overriding the Remediation block's (repeatable).")
@click.option("--region", type=REGION, help="Region of the resource; default: a bucket's own (S3 is asked), "
              "else the session's, else us-east-1.")
@click.option("--profile", help="AWS profile of the account; default: the usual credential chain.")
@click.option("--embedded", is_flag=True, help="Run against a freshly seeded embedded account (moto) instead.")
@click.option("--dry-run", is_flag=True, help="Resolve every step and show the calls; change nothing.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def remediate(ctx, rule_name, resource_id, assignments, region, profile, embedded, dry_run, output):
    """Run RULE's paired document on one resource, then evaluate the rule again (before -> after)."""
    from .automation import DocumentError, ParameterError
    from .remediate import RemediationError, remediate as run_remediation
    from .report.terminal import print_remediation

    catalog = _catalog(ctx)
    _select_rules(catalog, [rule_name], "RULE")
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
            outcome = run_remediation(catalog, rule_name, resource_id, session, region, overrides, dry_run)
    except (RemediationError, ParameterError, DocumentError) as error:
        raise click.UsageError(str(error)) from None
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"cannot reach the account: {error}") from None
    if output == "json":
        click.echo(json.dumps(outcome.to_dict(), indent=2, default=str))
    else:
        print_remediation(Console(), outcome)
    if outcome.execution.status == "Cancelled":
        interrupted()  # the steps run so far are printed above: they say what changed
    succeeded = outcome.execution.status == "Success"
    sys.exit(0 if succeeded and (dry_run or outcome.fixed) else 1)


from .automation_cli import automation  # noqa: E402  (their own modules; registered here)
from .deploy.cli import deploy  # noqa: E402
from .report.command import report  # noqa: E402

main.add_command(automation)
main.add_command(report)
main.add_command(deploy)


if __name__ == "__main__":
    from .__main__ import run

    run()
