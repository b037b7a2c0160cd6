"""`clearsight scan --organization` / `--accounts` as users run it, against a moto organization."""
import json

import pytest

from tests.scan.organization import REGIONS, ROLE, create_organization, seed_buckets
from tests.test_cli_scan import clearsight

pytestmark = pytest.mark.filterwarnings("ignore:Exception\\(STSClientError\\):UserWarning")

RULES = "S3_BUCKET_KMS_ENCRYPTION,S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED"
REGION_ARGS = [arg for region in REGIONS for arg in ("--region", region)]


def scan_json(*args, exit_code=0):
    done = clearsight("scan", "--rules", RULES, *REGION_ARGS, "--format", "json", *args)
    assert done.returncode == exit_code, done.stderr
    noise = [line for line in done.stderr.splitlines() if not line.startswith("stored as run ")]
    assert noise == []  # no progress bar when piped (the results store names its run, and that is all)
    return json.loads(done.stdout)


def test_organization_scan_of_three_accounts_over_two_regions(server):
    accounts = create_organization(server.session)
    for account in accounts:
        seed_buckets(server.session, account)
    report = scan_json("--organization", "--assume-role-name", ROLE)
    assert report["errors"] == []
    buckets = {(e["account"], e["region"], e["resource_id"]) for e in report["evaluations"] if e["rule"] == "S3_BUCKET_KMS_ENCRYPTION"}
    assert buckets == {(a, r, f"plain-{a}-{r}") for a in accounts for r in REGIONS}
    account_level = [(e["account"], e["region"], e["resource_id"]) for e in report["evaluations"]
                     if e["rule"] == "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED"]
    assert sorted(account_level) == sorted((a, "us-east-1", a) for a in accounts)  # once per account


def test_table_of_many_accounts_names_each_account(server):
    accounts = create_organization(server.session)
    seed_buckets(server.session, accounts[2])
    done = clearsight("scan", "--rules", RULES, "--organization", "--assume-role-name", ROLE)
    assert done.returncode == 0, done.stderr
    assert "Account" in done.stdout and all(account in done.stdout for account in accounts)


def test_one_denied_account_is_one_error_entry_and_the_rest_complete(server, deny_role_in):
    accounts = create_organization(server.session)
    for account in accounts:
        seed_buckets(server.session, account)
    deny_role_in(accounts[1])
    report = scan_json("--organization", "--assume-role-name", ROLE, "--workers", "2", exit_code=1)  # incomplete
    [error] = report["errors"]
    assert (error["rule"], error["account"], error["region"]) == ("*", accounts[1], "*")
    assert "AccessDenied" in error["message"]
    assert {(e["account"], e["region"]) for e in report["evaluations"] if e["rule"] == "S3_BUCKET_KMS_ENCRYPTION"} == {
        (a, r) for a in (accounts[0], accounts[2]) for r in REGIONS}


def test_listed_accounts_with_an_exclusion(server):
    accounts = create_organization(server.session)
    for account in accounts:
        seed_buckets(server.session, account)
    report = scan_json("--accounts", ",".join(accounts), "--exclude-accounts", accounts[0], "--assume-role-name", ROLE)
    assert {e["account"] for e in report["evaluations"]} == set(accounts[1:])


def test_no_organization_is_a_clear_failure(server):
    done = clearsight("scan", "--organization", "--assume-role-name", ROLE, "--format", "json")
    assert done.returncode == 1 and done.stdout == ""
    assert "cannot list the organization's accounts (AWSOrganizationsNotInUseException)" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--organization", "--accounts", "111111111111"], "not both"),
    (["--exclude-accounts", "111111111111"], "--exclude-accounts leaves accounts out of"),
    (["--accounts", "1234"], "--accounts: '1234' is not a 12-digit"),
    (["--accounts", "111111111111", "--external-id", "x"], "--external-id goes with --assume-role-name"),
    (["--workers", "0"], "--workers"),
    (["--region", "moon-1"], "moon-1"),
])
def test_account_and_pool_options_are_checked(args, message):
    done = clearsight("scan", *args)
    assert done.returncode == 2 and done.stdout == ""
    assert message in done.stderr


def test_another_account_without_a_role_is_a_usage_error(server):
    done = clearsight("scan", "--accounts", "111111111111", "--format", "json")
    assert done.returncode == 2 and "--assume-role-name" in done.stderr


def test_progress_bar_only_on_a_terminal(server):
    """stderr on a pseudo-terminal shows the bar; stdout (piped) is the table alone."""
    import os
    import pty
    import subprocess

    from tests.test_cli_scan import CLI

    seed_buckets(server.session, "123456789012")
    master, terminal = pty.openpty()
    done = subprocess.run(CLI + ["scan", "--rules", RULES, *REGION_ARGS], stdout=subprocess.PIPE, stderr=terminal,
                          env=dict(os.environ, COLUMNS="120", TERM="xterm"), timeout=120)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert done.returncode == 0
    assert b"1/1 accounts" in shown and b"0 error(s)" in shown
    assert b"1/1 accounts" not in done.stdout and b"3 NON_COMPLIANT; 0 error(s)" in done.stdout
