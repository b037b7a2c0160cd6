"""`clearsight automation run` on AWS-written runbooks, as a user runs it: a subprocess against a loopback moto server.

The runbooks are ASR's (tests/corpus/asr/runbooks, unmodified apart from the factory's %%SCRIPT=%%
expansion). Each case makes the non-compliant resource, runs the document to Success and reads
the account back to see the change was made.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terminal import as_from_a_terminal

CORPUS = Path(os.environ.get("CLEARSIGHT_CORPUS") or Path(__file__).parents[1] / "corpus") / "asr" / "runbooks"
needs_corpus = pytest.mark.skipif(not (CORPUS / "SetSSLBucketPolicy.yaml").exists(), reason=(
    f"ASR's runbooks are not in {CORPUS}: third-party code stays out of this repository; put the files "
    "tests/corpus/corpus.yaml names there, or point CLEARSIGHT_CORPUS at them"))
OURS = "Clearsight-S3BucketBlockPublicAccess"
CLEARSIGHT = str(Path(sys.executable).parent / "clearsight")
ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ASR-Remediation"


def clearsight(*args):
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([CLEARSIGHT, *args], capture_output=True, text=True, env=env, timeout=180)


def _bucket(session, name="asr-target-bucket"):
    session.client("s3").create_bucket(Bucket=name)
    return name


def _open_group(session):
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="wide-open", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return group


def _open_to_world(session, group):
    [found] = session.client("ec2").describe_security_groups(GroupIds=[group])["SecurityGroups"]
    return [p for p in found["IpPermissions"] if {"CidrIp": "0.0.0.0/0"} in p.get("IpRanges", [])]


def _trail(session):
    session.client("cloudtrail").create_trail(Name="asr-trail", S3BucketName=_bucket(session, "asr-trail-logs"))
    return "asr-trail"


def _key(session):
    return session.client("kms").create_key()["KeyMetadata"]["Arn"]


def _public_subnet(session):
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    return subnet


def _table(session):
    return session.client("dynamodb").create_table(
        TableName="asr-table", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]


def _database(session):
    return session.client("rds").create_db_instance(
        DBInstanceIdentifier="asr-db", DBInstanceClass="db.t3.micro", Engine="mysql", MasterUsername="admin",
        MasterUserPassword="password123", AllocatedStorage=20)["DBInstance"]["DBInstanceArn"]


def _instance(session):
    return session.client("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]


def _queue(session):
    session.client("sqs").create_queue(QueueName="asr-queue")
    return "asr-queue"


def _queue_attributes(session):
    url = session.client("sqs").get_queue_url(QueueName="asr-queue")["QueueUrl"]
    return session.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def _public_access(session, bucket="asr-target-bucket"):
    return session.client("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]


def _bucket_with_policy(session, actions):
    bucket = _bucket(session)
    session.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": actions,
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    return bucket


def _policy(session):
    return json.loads(session.client("s3").get_bucket_policy(Bucket="asr-target-bucket")["Policy"])


# runbook -> (make the resource, return the parameters), (read the account, True when the change was made)
CASES = {
    "EnableBucketEventNotifications": (
        lambda s, r: {"AccountId": ACCOUNT, "BucketName": _bucket(s)},
        lambda s, r: s.client("s3").get_bucket_notification_configuration(Bucket="asr-target-bucket")
        .get("TopicConfigurations")),
    "S3BlockDenylist": (
        lambda s, r: {"BucketName": _bucket_with_policy(s, ["s3:GetObject", "s3:DeleteBucket"]),
                      "DenyList": "s3:DeleteBucket"},
        lambda s, r: any(st["Effect"] == "Deny" for st in _policy(s)["Statement"])),
    "ConfigureS3BucketPublicAccessBlock": (
        lambda s, r: {"BucketName": _bucket(s)},
        lambda s, r: all(_public_access(s).values())),
    "ConfigureS3PublicAccessBlock": (
        lambda s, r: {"AccountId": ACCOUNT},
        lambda s, r: all(s.client("s3control").get_public_access_block(AccountId=ACCOUNT)
                         ["PublicAccessBlockConfiguration"].values())),
    "SetSSLBucketPolicy": (
        lambda s, r: {"AccountId": ACCOUNT, "BucketName": _bucket(s)},
        lambda s, r: "aws:SecureTransport" in s.client("s3").get_bucket_policy(Bucket="asr-target-bucket")["Policy"]),
    "EnableDefaultEncryptionS3": (
        lambda s, r: {"AccountId": ACCOUNT, "BucketName": _bucket(s)},
        lambda s, r: s.client("s3").get_bucket_encryption(Bucket="asr-target-bucket")["ServerSideEncryptionConfiguration"]),
    "SetS3LifecyclePolicy": (
        lambda s, r: {"BucketName": _bucket(s)},
        lambda s, r: s.client("s3").get_bucket_lifecycle_configuration(Bucket="asr-target-bucket")["Rules"]),
    "EnableCloudTrailLogFileValidation": (
        lambda s, r: {"TrailName": _trail(s)},
        lambda s, r: s.client("cloudtrail").get_trail(Name="asr-trail")["Trail"]["LogFileValidationEnabled"]),
    "EnableKeyRotation": (
        lambda s, r: {"KeyId": r.setdefault("key", _key(s)).split("/")[-1]},
        lambda s, r: s.client("kms").get_key_rotation_status(KeyId=r["key"])["KeyRotationEnabled"]),
    "EnableEbsEncryptionByDefault": (
        lambda s, r: {},
        lambda s, r: s.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]),
    "DisablePublicIPAutoAssign": (
        lambda s, r: {"SubnetARN": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{r.setdefault('subnet', _public_subnet(s))}"},
        lambda s, r: not s.client("ec2").describe_subnets(SubnetIds=[r["subnet"]])["Subnets"][0]["MapPublicIpOnLaunch"]),
    "DisableUnrestrictedAccessToHighRiskPorts": (
        lambda s, r: {"SecurityGroupId": r.setdefault("group", _open_group(s))},
        lambda s, r: not _open_to_world(s, r["group"])),
    "RevokeUnauthorizedInboundRules": (
        lambda s, r: {"SecurityGroupId": r.setdefault("group", _open_group(s))},
        lambda s, r: not _open_to_world(s, r["group"])),
    "EnableEncryptionForSNSTopic": (
        lambda s, r: {"TopicArn": r.setdefault("topic", s.client("sns").create_topic(Name="asr-topic")["TopicArn"]),
                      "KmsKeyArn": _key(s)},
        lambda s, r: s.client("sns").get_topic_attributes(TopicArn=r["topic"])["Attributes"].get("KmsMasterKeyId")),
    "EnableEncryptionForSQSQueue": (
        lambda s, r: {"SQSQueueName": _queue(s), "KmsKeyArn": _key(s)},
        lambda s, r: _queue_attributes(s).get("KmsMasterKeyId")),
    "EnableDynamoDBDeletionProtection": (
        lambda s, r: {"ResourceArn": _table(s)},
        lambda s, r: s.client("dynamodb").describe_table(TableName="asr-table")["Table"]["DeletionProtectionEnabled"]),
    "EnableRDSInstanceDeletionProtection": (
        lambda s, r: {"RDSInstanceARN": _database(s)},
        lambda s, r: s.client("rds").describe_db_instances(DBInstanceIdentifier="asr-db")["DBInstances"][0]
        ["DeletionProtection"]),
    "EnableIMDSV2OnInstance": (
        lambda s, r: {"InstanceARN": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{r.setdefault('instance', _instance(s))}"},
        lambda s, r: s.client("ec2").describe_instances(InstanceIds=[r["instance"]])["Reservations"][0]["Instances"][0]
        ["MetadataOptions"]["HttpTokens"] == "required"),
    "SetLogGroupRetentionDays": (
        lambda s, r: (s.client("logs").create_log_group(logGroupName="asr-group"),
                      {"LogGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:asr-group:*"})[1],
        lambda s, r: s.client("logs").describe_log_groups(logGroupNamePrefix="asr-group")["logGroups"][0]
        .get("retentionInDays")),
    "CreateCloudTrailMultiRegionTrail": (
        lambda s, r: {"KMSKeyArn": _key(s)},
        lambda s, r: any(t["IsMultiRegionTrail"] for t in s.client("cloudtrail").describe_trails()["trailList"])),
    "EnablePrivateRepositoryScanning": (
        lambda s, r: (s.client("ecr").create_repository(repositoryName="asr-repo"), {"RepositoryName": "asr-repo"})[1],
        lambda s, r: s.client("ecr").describe_repositories(repositoryNames=["asr-repo"])["repositories"][0]
        ["imageScanningConfiguration"]["scanOnPush"]),
}


def _assignments(parameters):
    return [arg for name, value in parameters.items() for arg in ("--parameter", f"{name}={value}")]


@needs_corpus
@pytest.mark.parametrize("runbook", CASES)
def test_an_aws_runbook_runs_to_success_and_makes_its_change(server, runbook):
    setup, changed = CASES[runbook]
    resources = {}
    parameters = dict(setup(server.session, resources), AutomationAssumeRole=ROLE)
    done = clearsight("automation", "run", str(CORPUS / f"{runbook}.yaml"), "--format", "json", *_assignments(parameters))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    execution = json.loads(done.stdout)["execution"]
    assert execution["AutomationExecutionStatus"] == "Success"
    assert execution["DocumentName"] == runbook
    assert all(step["StepStatus"] == "Success" for step in execution["StepExecutions"])
    assert changed(server.session, resources)


@needs_corpus
def test_table_output_shows_steps_and_what_scripts_printed(server):
    _bucket(server.session)
    done = clearsight("automation", "run", str(CORPUS / "SetSSLBucketPolicy.yaml"), "--parameter", f"AccountId={ACCOUNT}",
                      "--parameter", "BucketName=asr-target-bucket", "--parameter", f"AutomationAssumeRole={ROLE}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SetSSLBucketPolicy: Success" in done.stdout and "New policy:" in done.stdout


@needs_corpus
def test_a_failed_run_exits_1_with_the_record(server):
    done = clearsight("automation", "run", str(CORPUS / "SetSSLBucketPolicy.yaml"), "--format", "json",
                      "--parameter", f"AccountId={ACCOUNT}", "--parameter", "BucketName=no-such-bucket",
                      "--parameter", f"AutomationAssumeRole={ROLE}")
    assert done.returncode == 1
    execution = json.loads(done.stdout)["execution"]
    assert execution["AutomationExecutionStatus"] == "Failed" and "NoSuchBucket" in execution["FailureMessage"]


@needs_corpus
def test_dry_run_sends_no_change(server):
    _bucket(server.session)
    done = clearsight("automation", "run", str(CORPUS / "ConfigureS3BucketPublicAccessBlock.yaml"), "--dry-run",
                      "--parameter", "BucketName=asr-target-bucket", "--parameter", f"AutomationAssumeRole={ROLE}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PutPublicAccessBlock" in done.stdout
    with pytest.raises(server.session.client("s3").exceptions.ClientError):
        _public_access(server.session)


def test_a_catalog_document_runs_by_name_on_the_embedded_account():
    done = clearsight("automation", "run", "Clearsight-S3BucketBlockPublicAccess", "--embedded", "--format", "json",
                      "--parameter", "BucketName=clearsight-demo-public-site", "--parameter", f"AutomationAssumeRole={ROLE}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert json.loads(done.stdout)["execution"]["AutomationExecutionStatus"] == "Success"


def test_parameters_take_their_declared_types_from_text(server, tmp_path):
    document = tmp_path / "Echo.yaml"
    document.write_text("""
schemaVersion: "0.3"
parameters:
  Names: {type: StringList}
  Count: {type: Integer}
  Enabled: {type: Boolean}
mainSteps:
  - name: Echo
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: echo
      InputPayload: {names: "{{ Names }}", count: "{{ Count }}", enabled: "{{ Enabled }}"}
      Script: |-
        def echo(events, context):
            return events
    outputs:
      - {Name: All, Selector: $.Payload, Type: StringMap}
""")
    done = clearsight("automation", "run", str(document), "--format", "json", "--parameter", "Names=a, b,c",
                      "--parameter", "Count=3", "--parameter", "Enabled=true")
    assert done.returncode == 0, done.stdout + done.stderr
    [step] = json.loads(done.stdout)["execution"]["StepExecutions"]
    assert json.loads(step["Outputs"]["All"][0]) == {"names": ["a", "b", "c"], "count": 3, "enabled": True}


@pytest.mark.parametrize("args, complaint", [
    (["no-such-document"], "neither a file nor a document of the catalog"),
    (["nope/nope.yaml"], "no such file"),
    ([OURS, "--parameter", "BucketName"], "is not KEY=VALUE"),
    ([OURS, "--parameter", "Bucket=x"], "unknown parameter(s) Bucket"),
    ([OURS, "--parameter", "BucketName=my-bucket"], "missing required parameter AutomationAssumeRole"),
    ([OURS, "--format", "xml"], "'xml' is not one of"),
])
def test_usage_errors_exit_2_and_say_what_to_fix(args, complaint):
    done = clearsight("automation", "run", *args)
    assert done.returncode == 2 and complaint in done.stderr, done.stderr
    assert done.stdout == ""


def test_ctrl_c_during_a_step_cancels_the_run_and_exits_130(tmp_path):
    import signal
    import time

    marker = tmp_path / "started"
    document = tmp_path / "Wait.yaml"
    document.write_text(f"""
schemaVersion: "0.3"
mainSteps:
  - name: Start
    action: aws:executeScript
    inputs:
      Runtime: python3.11
      Handler: start
      Script: |-
        def start(events, context):
            open({str(marker)!r}, "w").close()
  - name: Wait
    action: aws:sleep
    inputs: {{Duration: PT10M}}
""")
    process = subprocess.Popen(as_from_a_terminal([CLEARSIGHT, "automation", "run", str(document)]), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    while not marker.exists() and process.poll() is None:
        time.sleep(0.1)
    time.sleep(0.5)  # into the sleep step
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr and ": Cancelled" in stdout
