"""Stand-ins for the moto gaps clearsight's remediations hit (moto 5.2.5), applied in process.

moto does not implement logs AssociateKmsKey / DisassociateKmsKey (NotImplementedError), yet
Clearsight-LogGroupKmsEncryption must call exactly that API, because that is what runs on AWS.
So the embedded account answers them: moto dispatches an action to the LogsResponse method of
the same snake_case name, which here sets the log group's kms_key_id, the attribute moto's own
DescribeLogGroups reports as kmsKeyId. Unlike AWS, the key and its policy are not checked
(the document checks the key policy itself before associating).

moto's DescribeTrails always reports HasCustomEventSelectors and HasInsightSelectors False;
AWS reports whether the trail has custom event selectors and Insights selectors, and
CLOUDTRAIL_SECURITY_TRAIL_ACTIVE reads RequireInsights from that flag. trail_description wraps
moto's Trail.description to say so from the selectors moto already stores.

moto's IAM credential report has no <root_account> row, which AWS always puts first. The
embedded account adds it, from what moto knows of root (AccountMFAEnabled and
AccountAccessKeysPresent of its account summary) and a root that was never used; a backend's
root_credential_row dict overrides columns (tests/root_account.py sets it), None leaves the row out.

moto's DescribeDeliveryChannelStatus raises NotImplementedError; CONFIG_RECORDER_ALL_REGIONS
reads it for each region's last delivery. delivery_channel_status answers it from the channels
moto stores: a delivery to a bucket that exists counts as SUCCESS, to one that does not as
FAILURE (NoSuchBucket), which is what Config would report after its next delivery attempt.

apply() is idempotent and steps aside wherever moto answers natively; tests in
tests/sandbox/test_moto_patches.py fail loudly if a moto upgrade breaks the stand-in.
"""
import json

from moto.cloudtrail.models import Trail
from moto.iam.models import IAMBackend
from moto.config.exceptions import NoSuchDeliveryChannelException
from moto.config.responses import ConfigResponse
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.responses import LogsResponse
from moto.s3.models import s3_backends

ROOT_ROW_MARK = "_clearsight_root_row"


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


def trail_description(self, include_region=False):
    description = trail_description.moto(self, include_region)
    description["HasCustomEventSelectors"] = bool(self.event_selectors or self.advanced_event_selectors)
    description["HasInsightSelectors"] = bool(self.insight_selectors)
    return description


def root_row(backend):
    """The <root_account> row AWS puts first in the credential report, as moto's state describes root."""
    summary = backend.account_summary
    row = {
        "user": "<root_account>", "arn": f"arn:{backend.partition}:iam::{backend.account_id}:root",
        "user_creation_time": "2020-01-01T00:00:00+00:00", "password_enabled": "not_supported",
        "password_last_used": "no_information", "password_last_changed": "not_supported",
        "password_next_rotation": "not_supported", "mfa_active": str(bool(summary._account_mfa_enabled)).lower(),
        "access_key_1_active": str(bool(summary._account_access_keys_present)).lower(),
        "access_key_2_active": "false", "cert_1_active": "false", "cert_2_active": "false",
    }
    row.update(getattr(backend, "root_credential_row", None) or {})
    return row


def _with_root_row(original):
    def get_credential_report(self):
        report = original(self)
        if getattr(self, "root_credential_row", {}) is None or "\n<root_account>," in report:
            return report  # left out on purpose, or moto now writes it itself
        header, _, users = report.partition("\n")
        columns = header.split(",")
        row = root_row(self)
        return f"{header}\n{','.join(row.get(column, 'N/A') for column in columns)}\n{users}"

    setattr(get_credential_report, ROOT_ROW_MARK, True)
    return get_credential_report


def delivery_channel_status(self):
    buckets = s3_backends[self.current_account]["global"].buckets
    wanted = self._get_param("DeliveryChannelNames") or list(self.config_backend.delivery_channels)
    statuses = []
    for name in wanted:
        channel = self.config_backend.delivery_channels.get(name)
        if channel is None:
            raise NoSuchDeliveryChannelException(name)
        info = {"lastStatus": "SUCCESS"} if channel.s3_bucket_name in buckets else {
            "lastStatus": "FAILURE", "lastErrorCode": "NoSuchBucket", "lastErrorMessage": "The specified bucket does not exist"}
        statuses.append({"name": name, "configSnapshotDeliveryInfo": info, "configHistoryDeliveryInfo": info,
                         "configStreamDeliveryInfo": {"lastStatus": "NOT_APPLICABLE"}})
    return json.dumps({"DeliveryChannelsStatus": statuses})


def apply():
    """Install each stand-in once (no-op when installed, or where moto answers natively)."""
    for handler in (associate_kms_key, disassociate_kms_key):
        if not hasattr(LogsResponse, handler.__name__):
            setattr(LogsResponse, handler.__name__, handler)
    ConfigResponse.describe_delivery_channel_status = delivery_channel_status  # moto's raises NotImplementedError
    if Trail.description is not trail_description:
        trail_description.moto = Trail.description
        Trail.description = trail_description
    if not getattr(IAMBackend.get_credential_report, ROOT_ROW_MARK, False):
        IAMBackend.get_credential_report = _with_root_row(IAMBackend.get_credential_report)
