"""Bucket policies and whether S3 calls them public, shared by the pure s3_exposure tests (fast: what
`make mutate` runs first) and the rule's lambda_handler tests (the public door).

Each case: (statements of a policy on bucket "bkt", public?). The comments say which mistake a
case catches.
"""

ALLOW_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}
VPCE = {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}


def deny(condition=VPCE, **statement):
    return {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*", "Condition": condition, **statement}


def _without(statement, key):
    return {k: v for k, v in statement.items() if k != key}


POLICY_CASES = [
    # an Allow's own condition pins only when every value is fixed
    ([dict(ALLOW_READ, Condition={"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/app", "*"]}})], True),
    ([dict(ALLOW_READ, Condition={"StringEquals": {"aws:SourceAccount": []}})], True),
    ([dict(ALLOW_READ, Condition={"StringLike": {"aws:SourceAccount": "11112222333?"}})], True),
    ([dict(ALLOW_READ, Condition={"IpAddress": {"aws:SourceIp": "not-an-address"}})], True),
    ([dict(ALLOW_READ, Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}})], True),
    ([dict(ALLOW_READ, Condition={"StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]}})], False),
    # a Deny pins only when it covers every action and resource, each condition a negated pin
    ([ALLOW_READ, deny()], False),
    ([ALLOW_READ, deny(Action="S3:GETOBJECT")], False),  # actions are case-insensitive
    ([ALLOW_READ, deny(Resource="arn:aws:s3:::bk?/*")], False),
    ([ALLOW_READ, deny(Action="s3:*", Resource="*")], False),
    ([dict(ALLOW_READ, Action=["s3:GetObject", "s3:PutObject"]), deny()], True),
    ([dict(ALLOW_READ, Resource=["arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt"]), deny()], True),
    ([dict(ALLOW_READ, Action="s3:Get*"), deny()], True),
    ([_without(dict(ALLOW_READ, NotAction="s3:DeleteObject"), "Action"), deny()], True),
    ([_without(dict(ALLOW_READ, NotAction="s3:DeleteObject"), "Action"), deny(Action="s3:*")], False),
    ([_without(dict(ALLOW_READ, NotResource="arn:aws:s3:::bkt/x"), "Resource"), deny()], True),
    ([_without(dict(ALLOW_READ, NotResource="arn:aws:s3:::bkt/x"), "Resource"), deny(Resource="arn:aws:s3:::*")], False),
    ([ALLOW_READ, deny({"ForAnyValue:StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})], True),
    ([ALLOW_READ, deny({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})], True),
    ([ALLOW_READ, deny({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}, "Bool": {"aws:SecureTransport": "false"}})], True),
    ([ALLOW_READ, deny({"StringNotEquals": {"aws:SourceVpce": "vpce-*"}})], True),
    ([ALLOW_READ, deny({})], True),
    ([ALLOW_READ, deny(Principal={"AWS": "arn:aws:iam::111122223333:root"})], True),
    ([ALLOW_READ, _without(deny(NotAction="s3:PutObject"), "Action")], True),
]
POLICY_CASE_IDS = [f"case{number}" for number in range(len(POLICY_CASES))]
