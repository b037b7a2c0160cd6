"""Stand-ins for the moto gaps clearsight's remediations hit (moto 5.2.5), applied in process.

moto does not implement logs AssociateKmsKey / DisassociateKmsKey (NotImplementedError), yet
Clearsight-LogGroupKmsEncryption must call exactly that API, because that is what runs on AWS.
So the embedded account answers them: moto dispatches an action to the LogsResponse method of
the same snake_case name, which here sets the log group's kms_key_id, the attribute moto's own
DescribeLogGroups reports as kmsKeyId. Unlike AWS, the key and its policy are not checked
(the document checks the key policy itself before associating).

apply() is idempotent and steps aside wherever moto answers natively; tests in
tests/sandbox/test_moto_patches.py fail loudly if a moto upgrade breaks the stand-in.
"""
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.responses import LogsResponse


def _log_group(response):
    group = response.logs_backend.groups.get(response._get_param("logGroupName"))
    if group is None:
        raise ResourceNotFoundException()
    return group


def associate_kms_key(self):
    _log_group(self).kms_key_id = self._get_param("kmsKeyId")
    return ""


def disassociate_kms_key(self):
    _log_group(self).kms_key_id = None
    return ""


def apply():
    """Install the missing handlers on moto's LogsResponse (no-op once installed or when moto has them)."""
    for handler in (associate_kms_key, disassociate_kms_key):
        if not hasattr(LogsResponse, handler.__name__):
            setattr(LogsResponse, handler.__name__, handler)
