"""KMS key facts a rule needs about the key protecting a resource: can it encrypt, is it allowed, is it yours.

A resource names its key by key ARN, key id or alias; a rule's allow-list may name the same key
by alias ARN. Only DescribeKey can say they are one key, and only DescribeKey says whether the key
can still encrypt, so every KMS-backed rule asks the same questions the same way. A key S3 and
CloudWatch Logs can use is a symmetric ENCRYPT_DECRYPT key, Enabled, in the resource's region
(KMS developer guide: S3 and Logs support only symmetric encryption KMS keys).
"""
import threading

from botocore.exceptions import ClientError

USABLE_SPEC = ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")


def _region(reference):
    """The region of a key or alias ARN; None for a bare key id or alias name."""
    parts = reference.split(":")
    return parts[3] if reference.startswith("arn:") and len(parts) > 5 else None


class KeyBook:
    """What DescribeKey says of each key reference, asked once per reference and only when a verdict needs it.

    A reference in another region than the client's is not asked (the resource cannot use it); a
    key that does not exist is reported as NotFound; any other failure is kept and raised to the
    verdict that needs the key, so that resource alone is unreadable.
    """

    def __init__(self, kms_client):
        self._kms = kms_client
        self._described = {}
        self._locks = {}
        self._lock = threading.Lock()

    def describe(self, reference):
        """Thread-safe: a sweep judges resources in parallel, and each key is still asked once."""
        with self._lock:
            lock = self._locks.setdefault(reference, threading.Lock())
        with lock:
            if reference not in self._described:
                self._described[reference] = self._ask(reference)
        described = self._described[reference]
        if "Error" in described:
            raise described["Error"]
        return described

    def _ask(self, reference):
        region = self._kms.meta.region_name
        if _region(reference) not in (None, region):
            return {"Arn": reference, "KeyState": f"in {_region(reference)}, not {region}"}
        try:
            metadata = self._kms.describe_key(KeyId=reference)["KeyMetadata"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "NotFoundException":
                return {"Error": error}
            return {"Arn": reference, "KeyState": f"NotFound in {region}"}
        return {
            "Arn": metadata["Arn"],
            "KeyState": metadata["KeyState"],
            # AWS always sends KeyUsage; CreateKey's default stands in where an emulator leaves it out
            "Spec": (metadata.get("KeySpec"), metadata.get("KeyUsage") or USABLE_SPEC[1]),
            "Manager": metadata.get("KeyManager"),
            "Account": metadata.get("AWSAccountId"),
        }


def unusable(key, book, what):
    """Why `key` cannot encrypt `what` (an annotation's first sentence), or None when it can."""
    described = book.describe(key)
    if described["KeyState"] != "Enabled":
        return f"KMS key {described['Arn']} is {described['KeyState']}: {what} cannot be encrypted."
    if described["Spec"] != USABLE_SPEC:
        spec, usage = described["Spec"]
        return f"KMS key {described['Arn']} is {spec} {usage}: {what} need a symmetric ENCRYPT_DECRYPT key."
    return None


def key_is_allowed(key, allowed, book):
    """A key matches by its literal reference or, once described, by the key ARN behind it."""
    if key in allowed:
        return True
    key_arn = book.describe(key)["Arn"]
    return any(book.describe(entry)["Arn"] == key_arn for entry in allowed)


def not_controlled(key, book, accounts):
    """Why `key` is not a key you control (customer managed, owned by one of `accounts`), or None."""
    described = book.describe(key)
    if described.get("Manager") == "AWS":
        return f"{described['Arn']} is an AWS managed key, not one you control"
    if described.get("Account") not in accounts:
        return f"{described['Arn']} belongs to account {described.get('Account')}, not this account or KeyAccountIds"
    return None
