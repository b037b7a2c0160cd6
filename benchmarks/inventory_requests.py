"""Requests of S3_BUCKET_KMS_ENCRYPTION's periodic sweep: direct reads vs AWS Config's inventory.

moto's recorder never succeeds and its SelectResourceConfig ignores the query, so the inventory
is answered at the HTTP level (tests/rules/inventory_answers.py: botocore serialises every
request and parses every answer, 100 rows a page) while S3 and KMS are moto, in process. The
rule runs through its lambda_handler (clearsight.evaluate), once per source; every API call is
counted by operation (rdklib's PutEvaluations excluded).

    python inventory_requests.py --buckets 100 1000 5000
"""
import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.rules.inventory_answers

from clearsight.catalog import load_catalog  # noqa: E402
from clearsight.evaluate import evaluate_periodic  # noqa: E402
from clearsight.sandbox import embedded_account  # noqa: E402
from tests.rules.inventory_answers import bucket_row, healthy_inventory, kms_sse  # noqa: E402

RULE = "S3_BUCKET_KMS_ENCRYPTION"
IGNORED = {"PutEvaluations", "GetComplianceDetailsByConfigRule", "GetCallerIdentity"}


def sweep(session, source):
    calls = collections.Counter()

    def count(model, **_):
        if model.name not in IGNORED:
            calls[model.name] += 1

    session.events.register("before-call", count, unique_id="inventory-bench-count")
    result = evaluate_periodic(load_catalog().rule(RULE), session, "us-east-1", "123456789012", {"EvaluationSource": source})
    session.events.unregister("before-call", unique_id="inventory-bench-count")
    assert not result.errors, result.errors
    return calls, result.evaluations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    print("| buckets | source | requests (per bucket) | by operation |")
    print("|---|---|---|---|")
    for buckets in args.buckets:
        with embedded_account() as session:
            key = session.client("kms").create_key()["KeyMetadata"]["Arn"]
            s3 = session.client("s3")
            names = [f"bench-{i:05d}" for i in range(buckets)]
            for name in names:
                s3.create_bucket(Bucket=name)
                s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
            direct, judged_directly = sweep(session, "direct")
            healthy_inventory(session, [bucket_row(name, kms_sse(key)) for name in names])
            inventory, judged_from_inventory = sweep(session, "auto")
            same = {(e.resource_id, e.compliance) for e in judged_directly} == {(e.resource_id, e.compliance) for e in judged_from_inventory}
            assert same and len(judged_directly) == buckets, "both sources must judge every bucket alike"
            for source, calls in (("direct", direct), ("inventory", inventory)):
                total = sum(calls.values())
                detail = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
                print(f"| {buckets:,} | {source} | {total:,} ({total / buckets:.2f}) | {detail} |", flush=True)


if __name__ == "__main__":
    main()
