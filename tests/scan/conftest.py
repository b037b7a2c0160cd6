"""Fixtures of the organization scan tests."""
import pytest
from moto.sts.exceptions import STSClientError
from moto.sts.models import STSBackend


@pytest.fixture
def deny_role_in(monkeypatch):
    """deny_role_in(account): AssumeRole into that account fails with AccessDenied, as on AWS."""
    denied = set()
    assume_role = STSBackend.assume_role

    def refusing(self, *args, **kwargs):
        role_arn = kwargs.get("role_arn") or args[2]
        if role_arn.split(":")[4] in denied:
            raise STSClientError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
        return assume_role(self, *args, **kwargs)

    monkeypatch.setattr(STSBackend, "assume_role", refusing)
    return denied.add
