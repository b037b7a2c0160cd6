"""DescribeKey answers moto cannot give: AWS managed keys (moto calls aws/s3 CUSTOMER), keys of
other accounts (moto's cross-account DescribeKey says NotFound).

key_says registers an answer for one KeyId through botocore's real request validation and
response parsing; every other DescribeKey still reaches moto.
"""
import json

from botocore.awsrequest import AWSResponse


def key_says(session, reference, account, manager="CUSTOMER", region="us-east-1"):
    arn = f"arn:aws:kms:{region}:{account}:key/0b0b0b0b-0000-4000-8000-000000000001"
    metadata = {
        "AWSAccountId": account, "KeyId": arn.rsplit("/", 1)[1], "Arn": arn, "KeyState": "Enabled", "Enabled": True,
        "KeyManager": manager, "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
    }

    def answer(params, **_):
        if json.loads(params["body"])["KeyId"] == reference:
            return AWSResponse("https://kms.local", 200, {}, None), {"KeyMetadata": json.loads(json.dumps(metadata))}  # fresh strings, as parsed
        return None

    session.events.register_first("before-call.kms.DescribeKey", answer)
    return arn
