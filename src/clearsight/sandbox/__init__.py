"""The embedded account: moto in process, seeded with a small, realistic estate.

It is what `clearsight demo` and the tests stand on. Credentials are fake and every endpoint
override is removed while it runs, so nothing can reach a real account by accident.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import boto3
from moto import mock_aws

from . import moto_patches
from .estate import SEEDERS
from .seeded import Seeded

DEFAULT_REGION = "us-east-1"
SANDBOX_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
    "AWS_REGION": DEFAULT_REGION,
}

__all__ = ["DEFAULT_REGION", "Seeded", "embedded_account", "remediation_parameters", "seed_estate"]


@contextmanager
def _isolated_environment():
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL") or n in ("AWS_PROFILE", "AWS_CONFIG_FILE")]:
        del os.environ[name]
    os.environ.update(SANDBOX_ENV)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def embedded_account(region: str = DEFAULT_REGION):
    """Yield a boto3 session on a fresh, empty moto account (with moto_patches applied)."""
    moto_patches.apply()
    with _isolated_environment(), mock_aws():
        boto3.setup_default_session(region_name=region)
        yield boto3.DEFAULT_SESSION


def seed_estate(session, region: str = DEFAULT_REGION) -> list[Seeded]:
    """Create every area's compliant and non-compliant resources; say what each should be."""
    return [seeded for seeder in SEEDERS for seeded in seeder(session, region)]


def remediation_parameters(seeded: list[Seeded]) -> dict[str, dict]:
    """Per rule, the document parameters valid in this account (a key ARN, the role).

    They never depend on the resource (RESOURCE_ID does), so they serve every finding of the
    rule, including resources another area's seeder made.
    """
    return {entry.rule: entry.remediation_parameters for entry in seeded if entry.remediation_parameters}
