"""Fixtures for the automation engine tests: moto in process (tests/conftest.py isolates the environment)."""

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def session():
    """A boto3 session on a fresh moto account."""
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture
def calls(session):
    """Every request the session's clients send, as (service, operation) — counted at botocore's before-call."""
    sent = []
    session.events.register("before-call", lambda model, **_: sent.append((model.service_model.service_name, model.name)))
    return sent


@pytest.fixture
def bucket(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="clearsight-test-bucket")
    return "clearsight-test-bucket"


class FakeClock:
    """An injectable sleep that only adds up the time asked for."""

    def __init__(self):
        self.slept = []

    def __call__(self, seconds):
        self.slept.append(seconds)

    @property
    def total(self):
        return sum(self.slept)


@pytest.fixture
def clock():
    return FakeClock()
