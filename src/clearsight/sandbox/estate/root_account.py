"""The root user for ROOT_ACCOUNT_MFA_ENABLED and ROOT_ACCOUNT_UNUSED, and the topic their
notify-only document publishes to.

No API sets root MFA or root's use, so the account is what moto makes it: root without MFA
(NON_COMPLIANT), never used and without access keys (COMPLIANT; the credential report's root
row comes from moto_patches). The one account is one resource for each rule.
"""
from ..seeded import Seeded

MFA_RULE = "ROOT_ACCOUNT_MFA_ENABLED"
UNUSED_RULE = "ROOT_ACCOUNT_UNUSED"


def seed(session, region):
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    topic = session.client("sns", region_name=region).create_topic(Name="clearsight-root-findings")["TopicArn"]
    notify = {"TopicArn": topic, "AutomationAssumeRole": f"arn:aws:iam::{account}:role/clearsight-remediation"}
    return [Seeded(MFA_RULE, account, "NON_COMPLIANT", notify), Seeded(UNUSED_RULE, account, "COMPLIANT", notify)]
