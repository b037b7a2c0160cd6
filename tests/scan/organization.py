"""A moto organization on the loopback server: the management account and two members.

Each member is reached as a scan reaches it (sts:AssumeRole into the account); one member can
be made to refuse the role, as a member without the role, or with a trust policy that does not
trust the caller, does (tests/scan/conftest.py: deny_role_in).
"""
import boto3

from clearsight.endpoints import prepare_session

ROLE = "ClearsightAudit"
REGIONS = ("us-east-1", "eu-west-1")


def create_organization(session, members=2):
    """The management account (the caller) and `members` new accounts; their ids, management first."""
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    created = [org.create_account(AccountName=f"member-{i}", Email=f"member-{i}@example.com") for i in range(members)]
    management = session.client("sts").get_caller_identity()["Account"]
    return [management] + [c["CreateAccountStatus"]["AccountId"] for c in created]


def session_in(session, account):
    """What an administrator uses to seed a member: a session through the role."""
    if account == session.client("sts").get_caller_identity()["Account"]:
        return session
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    return prepare_session(boto3.Session(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                         credentials["SessionToken"], region_name=session.region_name))


def seed_buckets(session, account):
    """One unencrypted bucket per region, named after the account."""
    for region in REGIONS:
        s3 = session_in(session, account).client("s3", region_name=region)
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=f"plain-{account}-{region}", **extra)
