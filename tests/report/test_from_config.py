"""Deployed mode: AWS Config's own compliance read into the report. moto has none of these
APIs, so botocore's Stubber answers them and checks every request against the service model."""
import io
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber
from rich.console import Console

from clearsight.report.from_config import from_account, from_aggregator
from clearsight.report.html import render_html
from clearsight.report.table import print_report

ACCOUNT, OTHER = "123456789012", "210987654321"
WHEN = datetime(2026, 11, 1, tzinfo=timezone.utc)
ALL = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]


def result(rule, resource_id, compliance, annotation=None, **aggregate):
    entry = {
        "EvaluationResultIdentifier": {"EvaluationResultQualifier": {
            "ConfigRuleName": rule, "ResourceType": "AWS::S3::Bucket", "ResourceId": resource_id}},
        "ComplianceType": compliance, "ResultRecordedTime": WHEN, "ConfigRuleInvokedTime": WHEN, **aggregate}
    if annotation:
        entry["Annotation"] = annotation
    return entry


@pytest.fixture
def config():
    client = boto3.client("config", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_account_rules_and_results_are_read_across_every_page(config):
    client, stub = config
    stub.add_response("describe_compliance_by_config_rule", {
        "ComplianceByConfigRules": [{"ConfigRuleName": "S3_BUCKET_KMS_ENCRYPTION", "Compliance": {"ComplianceType": "NON_COMPLIANT"}}],
        "NextToken": "rules-2"}, {})
    stub.add_response("describe_compliance_by_config_rule", {
        "ComplianceByConfigRules": [{"ConfigRuleName": "VPC_FLOW_LOGS_ACTIVE", "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"}}]},
        {"NextToken": "rules-2"})
    details = {"ConfigRuleName": "S3_BUCKET_KMS_ENCRYPTION", "ComplianceTypes": ALL, "Limit": 100}
    stub.add_response("get_compliance_details_by_config_rule", {
        "EvaluationResults": [result("S3_BUCKET_KMS_ENCRYPTION", "plain", "NON_COMPLIANT", "Default encryption is AES256")],
        "NextToken": "page-2"}, details)
    stub.add_response("get_compliance_details_by_config_rule", {
        "EvaluationResults": [result("S3_BUCKET_KMS_ENCRYPTION", "kms", "COMPLIANT")]}, dict(details, NextToken="page-2"))

    report = from_account({"us-east-1": client}, ACCOUNT)

    assert [(e["resource_id"], e["compliance"], e["annotation"]) for e in report["evaluations"]] == [
        ("kms", "COMPLIANT", ""), ("plain", "NON_COMPLIANT", "Default encryption is AES256")]
    assert report["summary"] == {"COMPLIANT": 1, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 0, "errors": 1}
    [error] = report["errors"]
    assert error["rule"] == "VPC_FLOW_LOGS_ACTIVE" and "INSUFFICIENT_DATA" in error["message"]
    assert report["run"]["accounts"] == [ACCOUNT] and report["run"]["regions"] == ["us-east-1"]
    assert report["run"]["rules"] == ["S3_BUCKET_KMS_ENCRYPTION", "VPC_FLOW_LOGS_ACTIVE"]
    assert report["previous_run"] is None and len(report["trend"]) == 1


def test_a_report_from_config_renders_without_a_stored_run(config):
    client, stub = config
    stub.add_response("describe_compliance_by_config_rule", {"ComplianceByConfigRules": [
        {"ConfigRuleName": "VPC_FLOW_LOGS_ACTIVE", "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"}}]}, {})
    report = from_account({"us-east-1": client}, ACCOUNT)
    console = Console(width=80, record=True, file=io.StringIO())
    print_report(console, report)
    text, page = console.export_text(), render_html(report)
    assert text.startswith("AWS Config (complete)") and "INSUFFICIENT_DATA" in text and "Since" not in text
    assert "<title>clearsight compliance: AWS Config</title>" in page and ">now</text>" in page
    assert "None" not in text + page


def test_aggregator_reads_each_account_and_region_of_each_rule(config):
    client, stub = config
    name = "org"
    stub.add_response("describe_aggregate_compliance_by_config_rules", {"AggregateComplianceByConfigRules": [
        {"ConfigRuleName": "S3_BUCKET_KMS_ENCRYPTION", "Compliance": {"ComplianceType": "NON_COMPLIANT"},
         "AccountId": ACCOUNT, "AwsRegion": "us-east-1"},
        {"ConfigRuleName": "S3_BUCKET_KMS_ENCRYPTION", "Compliance": {"ComplianceType": "COMPLIANT"},
         "AccountId": OTHER, "AwsRegion": "eu-west-1"}]}, {"ConfigurationAggregatorName": name})
    for account, region, page in ((ACCOUNT, "us-east-1", [result("S3_BUCKET_KMS_ENCRYPTION", "plain", "NON_COMPLIANT", "AES256",
                                                                 AccountId=ACCOUNT, AwsRegion="us-east-1")]),
                                  (OTHER, "eu-west-1", [result("S3_BUCKET_KMS_ENCRYPTION", "kms", "COMPLIANT",
                                                               AccountId=OTHER, AwsRegion="eu-west-1")])):
        stub.add_response("get_aggregate_compliance_details_by_config_rule", {"AggregateEvaluationResults": page}, {
            "ConfigurationAggregatorName": name, "ConfigRuleName": "S3_BUCKET_KMS_ENCRYPTION",
            "AccountId": account, "AwsRegion": region, "Limit": 100})

    report = from_aggregator(client, name)

    assert [(e["account"], e["region"], e["resource_id"], e["compliance"]) for e in report["evaluations"]] == [
        (ACCOUNT, "us-east-1", "plain", "NON_COMPLIANT"), (OTHER, "eu-west-1", "kms", "COMPLIANT")]
    assert [(r["account"], r["NON_COMPLIANT"]) for r in report["by_account"]] == [(ACCOUNT, 1), (OTHER, 0)]
    assert report["run"]["accounts"] == sorted([ACCOUNT, OTHER]) and "aggregator org" in report["run"]["version"]


def test_access_denied_is_raised_not_reported_as_compliant(config):
    client, stub = config
    stub.add_client_error("describe_compliance_by_config_rule", "AccessDeniedException", "not allowed", 400)
    with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
        from_account({"us-east-1": client}, ACCOUNT)
