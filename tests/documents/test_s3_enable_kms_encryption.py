"""Clearsight-S3EnableKmsEncryption run by the local Automation engine against moto.

The closed loop on the seeded buckets, then what the document must keep: everything on the
bucket that is not its default encryption, and its word (a second run changes nothing).
"""
import json

import pytest

from clearsight.automation import ParameterError, run_document
from clearsight.sandbox.estate import s3_encryption
from tests.conftest import ACCOUNT, REGION
from tests.documents.runs import mutating_calls, verdicts

RULE = "S3_BUCKET_KMS_ENCRYPTION"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/clearsight-remediation"


@pytest.fixture
def document(catalog):
    return catalog.documents["Clearsight-S3EnableKmsEncryption"]


@pytest.fixture
def run(aws, document):
    return lambda parameters, **kwargs: run_document(document.path, parameters, aws, **kwargs)


@pytest.fixture
def seeded(aws):
    return s3_encryption.seed(aws, REGION)


@pytest.fixture
def key(aws):
    kms = aws.client("kms")
    metadata = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=metadata["KeyId"])
    return metadata


def encryption(s3, bucket):
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    default = rule["ApplyServerSideEncryptionByDefault"]
    return default["SSEAlgorithm"], default.get("KMSMasterKeyID"), rule.get("BucketKeyEnabled", False)


def parameters(bucket, key_arn, **more):
    return {"BucketName": bucket, "KmsKeyArn": key_arn, "AutomationAssumeRole": ROLE, **more}


def test_closed_loop_remediates_every_seeded_finding_and_a_second_run_changes_nothing(run_rule, run, seeded, s3):
    findings = [s for s in seeded if s.expected == "NON_COMPLIANT"]
    assert {s.resource_id: "NON_COMPLIANT" for s in findings}.items() <= verdicts(run_rule, RULE).items()
    for finding in findings:
        first = run({**finding.remediation_parameters, "BucketName": finding.resource_id})
        assert first.status == "Success", first.failure_message
        assert mutating_calls(first) == ["s3.PutBucketEncryption"]
        assert encryption(s3, finding.resource_id) == ("aws:kms", finding.remediation_parameters["KmsKeyArn"], True)
        second = run({**finding.remediation_parameters, "BucketName": finding.resource_id})
        assert second.status == "Success", second.failure_message
        assert mutating_calls(second) == []
        assert [s.name for s in second.steps] == ["CheckEncryption", "ChooseAction", "VerifyAlgorithm", "VerifyKey"]
    assert set(verdicts(run_rule, RULE).values()) == {"COMPLIANT"}


def test_bucket_without_default_encryption_is_remediated(run, s3, key):
    s3.create_bucket(Bucket="data-plain")
    execution = run(parameters("data-plain", key["Arn"]))
    assert execution.status == "Success", execution.failure_message
    assert execution.outputs == {"CheckEncryption.CurrentEncryption": "none key=- bucketKey=False blocked=-"}
    assert encryption(s3, "data-plain") == ("aws:kms", key["Arn"], True)


def test_everything_else_on_the_bucket_is_kept(run, s3, key):
    bucket = "data-kept"
    s3.create_bucket(Bucket=bucket)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                         "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "owner", "Value": "audit"}]})

    def state():
        return (
            s3.get_bucket_policy(Bucket=bucket)["Policy"],
            s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
            s3.get_bucket_versioning(Bucket=bucket)["Status"],
            s3.get_bucket_tagging(Bucket=bucket)["TagSet"],
        )

    before = state()
    assert run(parameters(bucket, key["Arn"])).status == "Success"
    assert state() == before
    assert encryption(s3, bucket)[:2] == ("aws:kms", key["Arn"])


def test_alias_arn_is_set_and_the_rule_accepts_it(run_rule, run, s3, key):
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/data"
    s3.create_bucket(Bucket="data-alias")
    assert run(parameters("data-alias", alias_arn)).status == "Success"
    assert encryption(s3, "data-alias") == ("aws:kms", alias_arn, True)
    assert verdicts(run_rule, RULE, {"KmsKeyArns": key["Arn"]}) == {"data-alias": "COMPLIANT"}


def test_bucket_key_setting_is_part_of_the_check(run, s3, key):
    s3.create_bucket(Bucket="data-bk")
    assert run(parameters("data-bk", key["Arn"], BucketKeyEnabled=False)).status == "Success"
    assert encryption(s3, "data-bk") == ("aws:kms", key["Arn"], False)
    again = run(parameters("data-bk", key["Arn"], BucketKeyEnabled="true"))  # as Config passes it
    assert mutating_calls(again) == ["s3.PutBucketEncryption"]
    assert encryption(s3, "data-bk") == ("aws:kms", key["Arn"], True)


def test_dsse_bucket_keeps_dual_layer_encryption(run, s3, aws, key):
    other = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="data-dsse")
    s3.put_bucket_encryption(Bucket="data-dsse", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": other}}]})
    assert run(parameters("data-dsse", key["Arn"])).status == "Success"
    assert encryption(s3, "data-dsse") == ("aws:kms:dsse", key["Arn"], False)  # new key, still dual-layer
    again = run(parameters("data-dsse", key["Arn"]))
    assert again.status == "Success" and mutating_calls(again) == []


def test_blocked_encryption_types_are_written_back(run, s3, aws, key):
    """moto drops BlockedEncryptionTypes, so the bucket's first read is answered as S3 would."""
    from botocore.awsrequest import AWSResponse

    s3.create_bucket(Bucket="data-sse-c-blocked")
    body = (b'<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
            b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
            b"<BucketKeyEnabled>false</BucketKeyEnabled>"
            b"<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>"
            b"</Rule></ServerSideEncryptionConfiguration>")
    answered = []

    class Raw:
        def stream(self, **_):
            yield body

    def first_read(request, **_):
        if not answered:
            answered.append(request.url)
            return AWSResponse(request.url, 200, {"content-type": "application/xml"}, Raw())
        return None

    aws.events.register_first("before-send.s3.GetBucketEncryption", first_read)
    execution = run(parameters("data-sse-c-blocked", key["Arn"]))
    assert execution.status == "Success", execution.failure_message
    [put] = [params for service, op, params in execution.api_calls if op == "PutBucketEncryption"]
    rule = put["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["BlockedEncryptionTypes"] == {"EncryptionType": ["SSE-C"]}
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_unusable_key_is_refused_before_anything_changes(run, aws, s3, key, state):
    kms = aws.client("kms")
    if state == "Disabled":
        kms.disable_key(KeyId=key["KeyId"])
    else:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3.create_bucket(Bucket="data-aes")
    s3.put_bucket_encryption(Bucket="data-aes", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    execution = run(parameters("data-aes", key["Arn"]))
    assert execution.status == "Failed"
    assert "Step AssertKeyEnabled Failed" in execution.failure_message and state in execution.failure_message
    assert mutating_calls(execution) == []
    assert encryption(s3, "data-aes") == ("AES256", None, False)


def test_dry_run_shows_the_change_and_makes_none(run, s3, seeded):
    finding = next(s for s in seeded if s.expected == "NON_COMPLIANT")
    before = encryption(s3, finding.resource_id)
    execution = run({**finding.remediation_parameters, "BucketName": finding.resource_id}, dry_run=True)
    assert execution.status == "Success"
    assert mutating_calls(execution) == ["s3.PutBucketEncryption"]  # listed, not sent
    assert "not sent" in next(s.note for s in execution.steps if s.name == "PutEncryption")
    assert encryption(s3, finding.resource_id) == before


@pytest.mark.parametrize(
    "override",
    [
        {"BucketName": "Data_Bucket"},
        {"KmsKeyArn": "alias/data"},
        {"BucketKeyEnabled": "yes"},
        {"AutomationAssumeRole": "arn:aws:iam::123:role/x"},
    ],
)
def test_bad_parameters_are_rejected_before_any_call(run, override):
    with pytest.raises(ParameterError, match=next(iter(override))):
        run({**parameters("data-ok", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/abc"), **override})


def test_key_from_another_region_than_the_bucket_is_refused_before_any_change(run, s3, aws):
    """S3 can use only a key in the bucket's region: a us-east-1 key on a us-west-2 bucket would break uploads."""
    west = aws.client("s3", region_name="us-west-2")
    west.create_bucket(Bucket="west-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    east_key = aws.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    execution = run(parameters("west-bucket", east_key), region="us-east-1")
    assert execution.status == "Failed"
    assert "key in us-east-1 but bucket west-bucket is in us-west-2" in execution.failure_message
    assert "give a KmsKeyArn in us-west-2" in execution.failure_message
    assert mutating_calls(execution) == []
    with pytest.raises(west.exceptions.ClientError, match="ServerSideEncryptionConfigurationNotFoundError"):
        west.get_bucket_encryption(Bucket="west-bucket")  # still as it was: nothing written
