"""KMS key facts a rule needs about the key protecting a resource: its state, and whether it is allowed.

A resource names its key by key ARN, key id or alias; a rule's allow-list may name the same key
by alias ARN. Only DescribeKey can say they are one key, and only DescribeKey says whether the key
can still encrypt, so every KMS-backed rule asks the same two questions the same way.
"""
from botocore.exceptions import ClientError


def describe_keys(kms_client, references):
    """DescribeKey once per distinct reference; a key that does not exist is reported as such."""
    described = {}
    for reference in sorted(set(references)):
        try:
            metadata = kms_client.describe_key(KeyId=reference)["KeyMetadata"]
            described[reference] = {"Arn": metadata["Arn"], "KeyState": metadata["KeyState"]}
        except ClientError as error:
            if error.response["Error"]["Code"] != "NotFoundException":
                raise
            described[reference] = {"Arn": reference, "KeyState": "NotFound"}
    return described


def unusable(key, keys):
    """What DescribeKey said of `key` when it was looked up and is not Enabled, else None."""
    described = keys.get(key) if key else None
    return described if described is not None and described["KeyState"] != "Enabled" else None


def key_is_allowed(key, allowed, keys):
    """A key matches by its literal reference or, once described, by the key ARN behind it."""
    if not key:
        return False
    if key in allowed:
        return True
    key_arn = keys.get(key, {}).get("Arn")
    return key_arn is not None and any(keys.get(entry, {}).get("Arn") == key_arn for entry in allowed)
