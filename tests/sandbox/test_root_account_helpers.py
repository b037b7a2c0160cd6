"""The credential report's root row (moto_patches) and tests/root_account.py, through the public API:
if a moto upgrade breaks one, this fails first."""
import csv
import io

import pytest

from tests.conftest import ACCOUNT
from tests.root_account import assign_root_virtual_mfa, drop_root_row, set_root_access_keys, set_root_mfa, set_root_row


@pytest.fixture
def iam(aws):
    return aws.client("iam")


def report_rows(iam):
    iam.generate_credential_report()
    return list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))


def test_root_row_comes_first_as_on_aws(iam):
    iam.create_user(UserName="alice")
    rows = report_rows(iam)
    assert [row["user"] for row in rows] == ["<root_account>", "alice"]
    root = rows[0]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert (root["mfa_active"], root["access_key_1_active"], root["password_last_used"]) == ("false", "false", "no_information")


def test_root_mfa_shows_in_summary_and_report(iam):
    set_root_mfa(True)
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert report_rows(iam)[0]["mfa_active"] == "true"


def test_root_access_keys_show_in_summary_and_report(iam):
    set_root_access_keys(True)
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    assert report_rows(iam)[0]["access_key_1_active"] == "true"


def test_root_row_columns_can_be_set(iam):
    set_root_row(password_last_used="2024-05-01T10:00:00+00:00")
    assert report_rows(iam)[0]["password_last_used"] == "2024-05-01T10:00:00+00:00"


def test_root_row_can_be_left_out(iam):
    drop_root_row()
    assert report_rows(iam) == []


def test_virtual_mfa_device_assigned_to_root_is_listed(iam):
    serial = assign_root_virtual_mfa(iam)
    [device] = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert device["SerialNumber"] == serial
    assert device["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
