"""Root-user state moto's public API cannot set (root MFA, root access keys, the credential report's
root row, a virtual MFA device serving root), set in moto's backend, in process (moto.md section 3).

The credential report's root row itself comes from the sandbox's moto_patches; these helpers only
change what it and GetAccountSummary say. tests/sandbox/test_root_account_helpers.py checks each
through the public API, so a moto upgrade that breaks one fails loudly.
"""
import types
from datetime import datetime, timezone

from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT


def iam_backend(account=ACCOUNT):
    return iam_backends[account]["aws"]


def set_root_mfa(enabled, account=ACCOUNT):
    """AccountMFAEnabled in GetAccountSummary, and mfa_active in the root row."""
    iam_backend(account).account_summary._account_mfa_enabled = int(enabled)


def set_root_access_keys(present, account=ACCOUNT):
    """AccountAccessKeysPresent in GetAccountSummary, and access_key_1_active in the root row."""
    iam_backend(account).account_summary._account_access_keys_present = int(present)


def set_root_row(account=ACCOUNT, **columns):
    """Override columns of the report's root row (password_last_used="2024-05-01T10:00:00+00:00", ...)."""
    iam_backend(account).root_credential_row = columns


def drop_root_row(account=ACCOUNT):
    """A credential report without the root row (AWS never sends one; the rule must not trust it)."""
    iam_backend(account).root_credential_row = None


def assign_root_virtual_mfa(iam, account=ACCOUNT):
    """A virtual MFA device created through the API, then assigned to root in the backend; its serial."""
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]["SerialNumber"]
    device = iam_backend(account).virtual_mfa_devices[serial]
    now = datetime.now(timezone.utc)
    device.user = types.SimpleNamespace(
        path="/", name="root", user_name="root", id=account, user_id=account,
        arn=f"arn:aws:iam::{account}:root", create_date=now, created=now,
    )
    device.enable_date = now
    return serial
