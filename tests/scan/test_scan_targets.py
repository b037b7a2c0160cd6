"""clearsight.scan on a moto organization behind the loopback server: accounts x regions x rules."""
import pytest

from clearsight.scan import AccountsError, organization_accounts, parse_accounts, scan_targets, targets
from clearsight.scan.plan import plan
from clearsight.scan.regions import resolve_regions
from tests.scan.organization import REGIONS, ROLE, create_organization, seed_buckets

pytestmark = pytest.mark.filterwarnings("ignore:Exception\\(STSClientError\\):UserWarning")

RULES = ("S3_BUCKET_KMS_ENCRYPTION", "S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED")


def test_organization_scan_reports_every_account_and_region(server, catalog):
    accounts = create_organization(server.session)
    for account in accounts:
        seed_buckets(server.session, account)
    assert organization_accounts(server.session, "us-east-1") == sorted(accounts)
    found = targets(server.session, "us-east-1", organization_accounts(server.session, "us-east-1"), ROLE)
    result = scan_targets([catalog.rule(r) for r in RULES], found, list(REGIONS), workers=4)
    assert result.errors == []
    buckets = {(e.account, e.region, e.resource_id, e.compliance) for e in result.evaluations if e.rule == RULES[0]}
    assert buckets == {(a, r, f"plain-{a}-{r}", "NON_COMPLIANT") for a in accounts for r in REGIONS}
    account_level = [(e.account, e.region, e.resource_id) for e in result.evaluations if e.rule == RULES[1]]
    assert sorted(account_level) == sorted((a, "us-east-1", a) for a in accounts)


def test_a_denied_account_is_one_error_and_the_others_complete(server, catalog, deny_role_in):
    accounts = create_organization(server.session)
    for account in accounts:
        seed_buckets(server.session, account)
    deny_role_in(accounts[2])
    found = targets(server.session, "us-east-1", accounts, ROLE)
    result = scan_targets([catalog.rule(r) for r in RULES], found, list(REGIONS), workers=4)
    [error] = result.errors
    assert (error.rule, error.account, error.region) == ("*", accounts[2], "*")
    assert "AccessDenied" in error.message and ROLE in error.message
    assert {e.account for e in result.evaluations} == set(accounts[:2])
    assert {(e.account, e.region) for e in result.evaluations if e.rule == RULES[0]} == {
        (a, r) for a in accounts[:2] for r in REGIONS}


def test_account_level_rule_runs_in_the_first_region_when_its_reporting_region_is_not_scanned(catalog):
    rule = catalog.rule(RULES[1])
    jobs = plan([rule, catalog.rule(RULES[0])], ["111111111111", "222222222222"], ["eu-west-1", "eu-central-1"])
    account_jobs = [(j.account, j.region, j.parameters["ReportingRegion"]) for j in jobs if j.rule is rule]
    assert account_jobs == [("111111111111", "eu-west-1", "eu-west-1"), ("222222222222", "eu-west-1", "eu-west-1")]
    assert len([j for j in jobs if j.rule is not rule]) == 4


def test_another_account_without_a_role_name_is_refused(aws):
    with pytest.raises(AccountsError, match="--assume-role-name"):
        targets(aws, "us-east-1", ["111111111111"])


def test_account_ids_are_checked_and_deduplicated():
    assert parse_accounts(["111111111111,222222222222", "111111111111"], "--accounts") == ["111111111111", "222222222222"]
    with pytest.raises(AccountsError, match="--accounts: '1234' is not a 12-digit"):
        parse_accounts(["1234"], "--accounts")


def test_region_all_is_the_enabled_regions_once_each(aws):
    regions = resolve_regions(["eu-west-1", "all", "eu-west-1"], aws)
    assert regions[0] == "eu-west-1" and len(regions) == len(set(regions))
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(regions)
    assert resolve_regions([], aws) == ["us-east-1"]
