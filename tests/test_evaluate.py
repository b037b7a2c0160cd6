"""clearsight.evaluate: real handlers, the caller's session, PutEvaluations captured, errors kept apart."""
import shutil

import pytest

from clearsight.catalog import load_catalog
from clearsight.evaluate import evaluate_item, evaluate_periodic, scan
from tests.items import s3_bucket_item

RULE = "S3_BUCKET_KMS_ENCRYPTION"


def test_periodic_evaluations_carry_account_and_region(aws, catalog):
    aws.client("s3").create_bucket(Bucket="plain-east")
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", "123456789012")
    assert result.errors == []
    [evaluation] = result.evaluations
    assert (evaluation.rule, evaluation.resource_id, evaluation.compliance) == (RULE, "plain-east", "NON_COMPLIANT")
    assert (evaluation.account, evaluation.region, evaluation.resource_type) == ("123456789012", "us-east-1", "AWS::S3::Bucket")


def test_scan_fans_out_over_regions(aws, catalog):
    aws.client("s3").create_bucket(Bucket="plain-east")
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="plain-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    result = scan([catalog.rule(RULE)], aws, ["us-east-1", "eu-west-1"])
    assert {(e.resource_id, e.region) for e in result.evaluations} == {("plain-east", "us-east-1"), ("plain-west", "eu-west-1")}


def test_change_item_is_evaluated_without_reading_the_account(aws, catalog):
    item = s3_bucket_item("from-item", sse={"sseAlgorithm": "AES256"})
    result = evaluate_item(catalog.rule(RULE), aws, item)
    assert [(e.resource_id, e.compliance) for e in result.evaluations] == [("from-item", "NON_COMPLIANT")]


def test_parameter_errors_come_back_as_errors_not_results(aws, catalog):
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", "123456789012", {"RequireBucketKey": "maybe"})
    assert result.evaluations == []
    [error] = result.errors
    assert "InvalidParameterValueException" in error.message and "RequireBucketKey" in error.message


def test_access_denied_comes_back_as_an_error(aws, catalog, api_error):
    aws.client("s3").create_bucket(Bucket="plain-east")
    api_error("s3", "ListBuckets", "AccessDenied", status=403)
    result = scan([catalog.rule(RULE)], aws, ["us-east-1"])
    assert result.evaluations == []
    assert "AccessDenied" in result.errors[0].message


def test_a_crashing_rule_is_an_error_and_the_scan_goes_on(aws, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(load_catalog().root / "rules", root / "rules", symlinks=True)
    broken = root / "rules" / "BROKEN_RULE"
    broken.mkdir()
    (broken / "parameters.json").write_text('{"Parameters": {"SourcePeriodic": "One_Hour"}}')
    (broken / "BROKEN_RULE.py").write_text("def lambda_handler(event, context):\n    raise RuntimeError('boom')\n")
    catalog = load_catalog(root)
    aws.client("s3").create_bucket(Bucket="plain-east")
    result = scan(list(catalog.rules.values()), aws, ["us-east-1"])
    assert [e.message for e in result.errors if e.rule == "BROKEN_RULE"] == ["RuntimeError: boom"]
    assert any(e.resource_id == "plain-east" for e in result.evaluations)


def test_nothing_is_sent_to_aws_config(aws, catalog):
    """PutEvaluations is answered locally: moto would refuse a non-test token."""
    aws.client("s3").create_bucket(Bucket="plain-east")
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", "123456789012")
    assert result.errors == [] and len(result.evaluations) == 1


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-2"])
def test_empty_region_gives_no_results_and_no_errors(aws, catalog, region):
    result = scan([catalog.rule(RULE)], aws, [region])
    assert result.evaluations == [] and result.errors == []


def test_more_than_100_evaluations_are_posted_in_batches_and_all_returned(aws, catalog):
    s3 = aws.client("s3")
    for i in range(150):
        s3.create_bucket(Bucket=f"many-{i:03d}")
    batches = []
    aws.events.register("before-parameter-build.config.PutEvaluations", lambda params, **_: batches.append(len(params["Evaluations"])))
    result = evaluate_periodic(catalog.rule(RULE), aws, "us-east-1", "123456789012")
    assert len(result.evaluations) == 150 and result.errors == []
    assert batches == [100, 50]  # PutEvaluations takes at most 100 per call
