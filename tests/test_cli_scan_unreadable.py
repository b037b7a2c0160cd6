"""One resource a rule cannot read must not blank the region (issue 8.12), seen through `clearsight scan`.

A region on the loopback moto server holds a public bucket, a private one and one whose policy
the public-access rule cannot parse: the other two are still judged, the odd one is never
COMPLIANT, and scan lists it under errors by name.
"""
import json

from tests.test_cli_scan import clearsight

RULE = "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"


def policy(bucket, **extra):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*", **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_scan_judges_the_others_and_lists_the_unreadable_bucket_under_errors(server):
    s3 = server.session.client("s3")
    for name, text in [
        ("odd-policy", policy("odd-policy", Condition={"StringEquals": "not-a-block"})),
        ("open-site", policy("open-site")),
        ("number-pinned", policy("number-pinned", Condition={"StringEquals": {"aws:SourceAccount": 111122223333}})),
        ("private-data", None),
    ]:
        s3.create_bucket(Bucket=name)
        if text:
            s3.put_bucket_policy(Bucket=name, Policy=text)
    done = clearsight("scan", "--rules", RULE, "--region", "us-east-1", "--format", "json")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr  # one bucket could not be judged: the evidence is incomplete
    report = json.loads(done.stdout)
    verdicts = {e["resource_id"]: e["compliance"] for e in report["evaluations"]}
    assert verdicts == {"odd-policy": "NON_COMPLIANT", "open-site": "NON_COMPLIANT", "number-pinned": "COMPLIANT", "private-data": "COMPLIANT"}
    assert [e["rule"] for e in report["errors"]] == [RULE]
    assert "odd-policy" in report["errors"][0]["message"] and "Could not be read" in report["errors"][0]["message"]
