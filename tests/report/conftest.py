"""Fixtures of the report tests: a store holding two runs of the same scope."""
import pytest

from clearsight.evaluate import Evaluation, EvaluationError
from clearsight.results import open_store

ACCOUNT, REGION = "123456789012", "us-east-1"
KMS, PUBLIC = "S3_BUCKET_KMS_ENCRYPTION", "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"


def ev(rule, resource_id, compliance, region=REGION, annotation=""):
    return Evaluation(rule, "AWS::S3::Bucket", resource_id, compliance, annotation, ACCOUNT, region)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "results.db") as store:
        yield store


def stored_run(store, evaluations, errors=(), finish=True, rules=(KMS, PUBLIC)):
    run_id = store.begin_run([ACCOUNT], [REGION], rules)
    store.add(run_id, evaluations, errors)
    if finish:
        store.finish_run(run_id)
    return run_id


@pytest.fixture
def two_runs(store):
    stored_run(store, [ev(KMS, "plain", "NON_COMPLIANT", annotation="AES256"), ev(KMS, "kms", "COMPLIANT"),
                       ev(KMS, "deleted-later", "COMPLIANT"), ev(PUBLIC, "open", "NON_COMPLIANT"),
                       ev(PUBLIC, "plain", "COMPLIANT")])
    stored_run(store, [ev(KMS, "plain", "COMPLIANT"), ev(KMS, "kms", "NON_COMPLIANT", annotation="key disabled"),
                       ev(KMS, "brand-new", "NON_COMPLIANT", annotation="AES256 <b>bold</b>")],
               [EvaluationError(PUBLIC, ACCOUNT, REGION, "AccessDenied: s3:GetBucketPolicy")])
    return store
