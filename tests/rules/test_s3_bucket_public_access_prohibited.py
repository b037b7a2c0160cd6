"""S3_BUCKET_PUBLIC_ACCESS_PROHIBITED through lambda_handler, on moto, scenario by scenario."""
import json

import pytest

from tests.items import ACCOUNT, s3_bucket_item
from tests.rules.policy_cases import POLICY_CASE_IDS, POLICY_CASES

RULE = "S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


@pytest.fixture
def rule(run_rule):
    return run_rule(RULE)


def policy(bucket, principal="*", condition=None, effect="Allow", sid="PublicRead"):
    statement = {"Sid": sid, "Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def bucket(s3, name, bucket_policy=None, acl=None, block=None, ownership=None):
    s3.create_bucket(Bucket=name)
    if bucket_policy:
        s3.put_bucket_policy(Bucket=name, Policy=bucket_policy)
    if acl:
        s3.put_bucket_acl(Bucket=name, ACL=acl)
    if ownership:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})
    if block:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)
    return name


def account_block(s3control, **flags):
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=flags)


# --- periodic path: compliant and each way of being public ---------------------------------


def test_periodic_private_bucket_is_compliant(rule, s3):
    bucket(s3, "private-data")
    rule.periodic()
    assert rule.compliance() == {"private-data": "COMPLIANT"}
    assert rule.posted[0]["ComplianceResourceType"] == "AWS::S3::Bucket"
    assert rule.posted[0]["Annotation"].startswith("Not public")


@pytest.mark.parametrize(
    "principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111122223333:root", "*"]}], ids=["star", "aws-star", "list-with-star"]
)
def test_periodic_policy_open_to_everyone_is_non_compliant(rule, s3, principal):
    bucket(s3, "site", policy("site", principal))
    rule.periodic()
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    annotation = rule.posted[0]["Annotation"]
    assert "policy statement Sid 'PublicRead'" in annotation and "RestrictPublicBuckets is off" in annotation
    assert "Clearsight-S3BucketBlockPublicAccess" in annotation and len(annotation) < 256


def test_periodic_policy_to_a_fixed_account_is_compliant(rule, s3):
    bucket(s3, "shared", policy("shared", {"AWS": "arn:aws:iam::111122223333:root"}))
    rule.periodic()
    assert rule.compliance() == {"shared": "COMPLIANT"}


def test_periodic_condition_that_pins_is_compliant_and_one_that_does_not_is_not(rule, s3):
    bucket(s3, "via-endpoint", policy("via-endpoint", condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))
    bucket(s3, "tls-only", policy("tls-only", condition={"Bool": {"aws:SecureTransport": "true"}}))
    rule.periodic()
    assert rule.compliance() == {"via-endpoint": "COMPLIANT", "tls-only": "NON_COMPLIANT"}


def test_periodic_source_ip_anywhere_is_public_and_a_24_is_not(rule, s3):
    bucket(s3, "ip-any", policy("ip-any", condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))
    bucket(s3, "ip-office", policy("ip-office", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    rule.periodic()
    assert rule.compliance() == {"ip-any": "NON_COMPLIANT", "ip-office": "COMPLIANT"}


def test_periodic_deny_only_policy_is_compliant(rule, s3):
    bucket(s3, "tls-enforced", policy("tls-enforced", effect="Deny", condition={"Bool": {"aws:SecureTransport": "false"}}))
    rule.periodic()
    assert rule.compliance() == {"tls-enforced": "COMPLIANT"}


@pytest.mark.parametrize("acl, group", [("public-read", "AllUsers"), ("authenticated-read", "AuthenticatedUsers")])
def test_periodic_public_acl_is_non_compliant(rule, s3, acl, group):
    bucket(s3, "acl-open", acl=acl)
    rule.periodic()
    assert rule.compliance() == {"acl-open": "NON_COMPLIANT"}
    assert f"ACL grant READ to {group}" in rule.posted[0]["Annotation"]


def test_periodic_public_acl_with_bucket_owner_enforced_is_compliant(rule, s3):
    bucket(s3, "acl-disabled", acl="public-read", ownership="BucketOwnerEnforced")
    rule.periodic()
    assert rule.compliance() == {"acl-disabled": "COMPLIANT"}


def test_periodic_public_acl_with_ignore_public_acls_on_the_bucket_is_compliant(rule, s3):
    bucket(s3, "acl-ignored", acl="public-read", block={"IgnorePublicAcls": True})
    rule.periodic()
    assert rule.compliance() == {"acl-ignored": "COMPLIANT"}


def test_periodic_public_acl_with_ignore_public_acls_on_the_account_is_compliant(rule, s3, s3control):
    bucket(s3, "acl-ignored", acl="public-read")
    account_block(s3control, IgnorePublicAcls=True)
    rule.periodic()
    assert rule.compliance() == {"acl-ignored": "COMPLIANT"}


def test_periodic_public_policy_restricted_at_account_level_is_compliant(rule, s3, s3control):
    bucket(s3, "site", policy("site"))
    account_block(s3control, RestrictPublicBuckets=True)
    rule.periodic()
    assert rule.compliance() == {"site": "COMPLIANT"}


def test_periodic_public_policy_restricted_at_bucket_level_is_compliant(rule, s3):
    bucket(s3, "site", policy("site"), block={"RestrictPublicBuckets": True})
    rule.periodic()
    assert rule.compliance() == {"site": "COMPLIANT"}


def test_periodic_block_public_policy_alone_does_not_neutralise_an_existing_policy(rule, s3, s3control):
    bucket(s3, "site", policy("site"), block={"BlockPublicPolicy": True, "BlockPublicAcls": True})
    account_block(s3control, BlockPublicPolicy=True, BlockPublicAcls=True)
    rule.periodic()
    assert rule.compliance() == {"site": "NON_COMPLIANT"}


def test_periodic_exempt_bucket_is_not_applicable_and_said_so(rule, s3):
    bucket(s3, "www-example", policy("www-example"))
    bucket(s3, "site", policy("site"))
    rule.periodic({"ExemptBuckets": "www-example, other-site"})
    assert rule.compliance() == {"www-example": "NOT_APPLICABLE", "site": "NON_COMPLIANT"}
    assert "ExemptBuckets" in next(e["Annotation"] for e in rule.posted if e["ComplianceResourceId"] == "www-example")


def test_periodic_reports_only_this_regions_buckets(rule, s3, aws):
    bucket(s3, "east-data")
    aws.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="west-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    rule.periodic()
    assert set(rule.compliance()) == {"east-data"}


def test_periodic_makes_only_the_calls_the_question_needs(rule, s3, s3control):
    bucket(s3, "blocked", policy("blocked"), block=ALL_ON)  # BPA: 1 call, settled
    bucket(s3, "open-policy", policy("open-policy"))  # BPA + policy: public, ACL not read
    bucket(s3, "private")  # BPA + policy + ACL (private): ownership not read
    bucket(s3, "acl-disabled", acl="public-read", ownership="BucketOwnerEnforced")  # BPA + policy + ACL + ownership
    rule.periodic()
    assert sorted(rule.calls) == sorted(
        ["s3.ListBuckets", "s3control.GetPublicAccessBlock"]
        + ["s3.GetPublicAccessBlock"] * 4
        + ["s3.GetBucketPolicy"] * 3
        + ["s3.GetBucketAcl"] * 2
        + ["s3.GetBucketOwnershipControls"]
    )
    assert rule.compliance() == {"blocked": "COMPLIANT", "open-policy": "NON_COMPLIANT", "private": "COMPLIANT", "acl-disabled": "COMPLIANT"}


def test_periodic_account_block_settles_every_bucket_without_reading_them(rule, s3, s3control):
    for name in ("site-a", "site-b"):
        bucket(s3, name, policy(name), acl="public-read")
    account_block(s3control, **ALL_ON)
    rule.periodic({"ExemptBuckets": "site-b"})
    assert sorted(rule.calls) == ["s3.ListBuckets", "s3control.GetPublicAccessBlock"]
    assert rule.compliance() == {"site-a": "COMPLIANT", "site-b": "NOT_APPLICABLE"}


def test_periodic_no_buckets_reads_nothing_more(rule):
    rule.periodic()
    assert rule.calls == ["s3.ListBuckets"]


# --- change path ---------------------------------------------------------------------------


ITEM_ALL_ON = {"blockPublicAcls": True, "ignorePublicAcls": True, "blockPublicPolicy": True, "restrictPublicBuckets": True}
ITEM_PUBLIC_ACL = (
    '{"grantSet":null,"grantList":[{"grantee":{"id":"0123abcd","displayName":null},"permission":"FullControl"},'
    '{"grantee":"AllUsers","permission":"Read"}],"owner":{"displayName":null,"id":"0123abcd"},"isRequesterCharged":false}'
)


def test_change_blocked_bucket_is_compliant_with_zero_api_calls(rule):
    rule.change(s3_bucket_item("site", sse=None, public_access_block=ITEM_ALL_ON, policy=policy("site")))
    assert rule.compliance() == {"site": "COMPLIANT"}
    assert rule.calls == []


def test_change_public_policy_item_is_non_compliant_after_reading_the_account_once(rule):
    rule.change(s3_bucket_item("site", sse=None, policy=policy("site"), public_access_block={**ITEM_ALL_ON, "restrictPublicBuckets": False}))
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


def test_change_public_policy_item_restricted_by_the_account_is_compliant(rule, s3control):
    account_block(s3control, RestrictPublicBuckets=True, IgnorePublicAcls=True)
    rule.change(s3_bucket_item("site", sse=None, policy=policy("site")))
    assert rule.compliance() == {"site": "COMPLIANT"}
    assert rule.calls == ["s3control.GetPublicAccessBlock"]


def test_change_public_acl_item_reads_ownership_before_saying_anything(rule, s3):
    bucket(s3, "acl-open")
    rule.change(s3_bucket_item("acl-open", sse=None, acl=ITEM_PUBLIC_ACL, policy=None))
    assert rule.compliance() == {"acl-open": "NON_COMPLIANT"}
    assert "AllUsers" in rule.posted[0]["Annotation"]
    assert sorted(rule.calls) == ["s3.GetBucketOwnershipControls", "s3.GetBucketPolicy", "s3control.GetPublicAccessBlock"]


def test_change_public_acl_item_on_a_bucket_owner_enforced_bucket_is_compliant(rule, s3):
    bucket(s3, "acl-disabled", ownership="BucketOwnerEnforced")
    item = s3_bucket_item("acl-disabled", sse=None, acl=ITEM_PUBLIC_ACL)
    item["supplementaryConfiguration"]["BucketPolicy"] = {"policyText": None}
    rule.change(item)
    assert rule.compliance() == {"acl-disabled": "COMPLIANT"}
    assert "s3.GetBucketOwnershipControls" in rule.calls


def test_change_item_with_json_string_supplementary_is_read(rule):
    item = s3_bucket_item("site", sse=None, policy=policy("site"), public_access_block=ITEM_ALL_ON)
    for key in ("BucketPolicy", "PublicAccessBlockConfiguration"):
        item["supplementaryConfiguration"][key] = json.dumps(item["supplementaryConfiguration"][key])
    rule.change(item)
    assert rule.compliance() == {"site": "COMPLIANT"}
    assert rule.calls == []


def test_change_item_without_policy_or_acl_data_reads_the_bucket(rule, s3):
    bucket(s3, "site", policy("site"))
    item = s3_bucket_item("site", sse=None)
    del item["supplementaryConfiguration"]["AccessControlList"]
    rule.change(item)
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    assert sorted(rule.calls) == ["s3.GetBucketPolicy", "s3control.GetPublicAccessBlock"]


def test_change_exempt_bucket_is_not_applicable_with_zero_api_calls(rule):
    rule.change(s3_bucket_item("www-example", sse=None, policy=policy("www-example")), {"ExemptBuckets": "www-example"})
    assert rule.compliance() == {"www-example": "NOT_APPLICABLE"}
    assert rule.calls == []


def test_oversized_change_is_inflated_from_the_configuration_history(rule, s3):
    """rdklib fetches the item (API dialect: supplementary values are JSON strings) and the rule reads it."""
    bucket(s3, "big-site", policy("big-site"))
    rule.oversized("AWS::S3::Bucket", "big-site")
    assert rule.compliance() == {"big-site": "NON_COMPLIANT"}
    assert "policy statement Sid 'PublicRead'" in rule.posted[0]["Annotation"]


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_change_deleted_bucket_is_not_applicable(rule, status):
    item = s3_bucket_item("gone", sse=None, policy=policy("gone"))
    item["configurationItemStatus"] = status
    rule.change(item)
    assert rule.compliance() == {"gone": "NOT_APPLICABLE"}


def test_change_other_resource_type_is_not_applicable(rule):
    item = s3_bucket_item("x", sse=None)
    item["resourceType"] = "AWS::S3::AccountPublicAccessBlock"
    rule.change(item)
    assert list(rule.compliance().values()) == ["NOT_APPLICABLE"]


# --- parameters and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters, message",
    [({"ExemptBuckets": "Not_A_Bucket"}, "ExemptBuckets"), ({"ExemptBucket": "site"}, "Unknown parameter")],
)
def test_bad_parameters_are_a_customer_error_and_nothing_is_sent(rule, parameters, message):
    response = rule.periodic(parameters)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert message in response["customerErrorMessage"]
    assert rule.posted == []


@pytest.mark.parametrize("service, operation", [("s3", "ListBuckets"), ("s3control", "GetPublicAccessBlock")])
def test_sweep_denied_is_an_error_never_compliant(rule, s3, api_error, service, operation):
    """The listing and the account's settings concern every bucket: their failure is the rule's."""
    bucket(s3, "site", policy("site"))
    api_error(service, operation, "AccessDenied", status=403)
    response = rule.periodic()
    assert response["customerErrorCode"] == "AccessDenied"
    assert rule.posted == []


@pytest.mark.parametrize("operation", ["GetBucketPolicy", "GetPublicAccessBlock", "GetBucketAcl"])
def test_one_bucket_denied_is_non_compliant_could_not_be_read_and_the_others_are_judged(rule, s3, api_error, operation):
    bucket(s3, "a-denied")
    bucket(s3, "b-site", policy("b-site"))
    bucket(s3, "c-private")
    api_error("s3", operation, "AccessDenied", status=403, matching="a-denied")
    rule.periodic()
    assert rule.compliance() == {"a-denied": "NON_COMPLIANT", "b-site": "NON_COMPLIANT", "c-private": "COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith(f"Could not be read: AccessDenied on {operation}")


def test_ownership_controls_denied_is_never_read_as_acls_disabled(rule, s3, api_error):
    bucket(s3, "acl-open", acl="public-read")
    api_error("s3", "GetBucketOwnershipControls", "AccessDenied", status=403)
    rule.periodic()
    assert rule.compliance() == {"acl-open": "NON_COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: AccessDenied on GetBucketOwnershipControls")


@pytest.mark.parametrize("code, status", [("InternalError", 500), ("SlowDown", 503)])  # names before and after NoSuch...
@pytest.mark.parametrize("operation", ["GetBucketPolicy", "GetPublicAccessBlock", "GetBucketAcl"])
def test_an_error_other_than_absent_is_never_read_as_absent(rule, s3, api_error, operation, code, status):
    """Only NoSuch... means "not configured"; a server error is not a bucket without settings."""
    bucket(s3, "private-data")
    api_error("s3", operation, code, status=status)
    rule.periodic()
    assert rule.compliance() == {"private-data": "NON_COMPLIANT"}
    assert f"{code} on {operation}" in rule.posted[0]["Annotation"]


def test_throttling_is_retried_then_evaluated(rule, s3, api_error):
    bucket(s3, "site", policy("site"))
    throttled = api_error("s3", "GetBucketPolicy", "SlowDown", status=503, times=2)
    rule.periodic()
    assert throttled.sent == 2 and len(throttled.sleeps) >= 2
    assert rule.compliance() == {"site": "NON_COMPLIANT"}


def test_throttled_to_death_is_never_compliant(rule, s3, api_error):
    bucket(s3, "private-data")
    api_error("s3", "GetBucketAcl", "SlowDown", status=503)
    rule.periodic()
    assert rule.compliance() == {"private-data": "NON_COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: SlowDown on GetBucketAcl")


# --- review: null supplementary values, annotation length, paginated listing ---------------


@pytest.mark.parametrize("key", ["AccessControlList", "BucketPolicy"])
def test_change_item_with_null_policy_or_acl_reads_the_bucket_never_compliant(rule, s3, key):
    """A null value says Config did not capture the data: the bucket is read, never assumed private."""
    bucket(s3, "site", policy("site") if key == "BucketPolicy" else None, acl="public-read" if key == "AccessControlList" else None)
    item = s3_bucket_item("site", sse=None, policy=None)
    item["supplementaryConfiguration"][key] = None
    rule.change(item)
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    assert ("s3.GetBucketAcl" if key == "AccessControlList" else "s3.GetBucketPolicy") in rule.calls


@pytest.mark.parametrize(
    "acl, permission, group",
    [("authenticated-read", "READ", "AuthenticatedUsers"), ("public-read", "READ", "AllUsers")],
)
def test_acl_annotation_is_under_256_characters_and_names_the_fix(rule, s3, acl, permission, group):
    bucket(s3, "acl-open", acl=acl)
    rule.periodic()
    annotation = next(e["Annotation"] for e in rule.posted if e["ComplianceResourceId"] == "acl-open")
    assert f"ACL grant {permission} to {group}" in annotation
    assert len(annotation) < 256 and "Clearsight-S3BucketBlockPublicAccess" in annotation


def test_policy_annotation_is_under_256_characters_at_its_longest(rule, s3):
    long = {"Sid": "S" * 40, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:role/some-long-role-name"},
            "Action": ["s3:GetObjectVersionAcl", "s3:PutObjectVersionAcl", "s3:GetObject"], "Resource": "arn:aws:s3:::site/*"}
    bucket(s3, "site", json.dumps({"Version": "2012-10-17", "Statement": [long]}))
    rule.periodic()
    annotation = rule.posted[0]["Annotation"]
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    assert len(annotation) < 256 and "Clearsight-S3BucketBlockPublicAccess" in annotation


def test_periodic_lists_buckets_with_paginated_requests_and_follows_pages(rule, s3, aws):
    """Unpaginated ListBuckets is refused above a 10,000-bucket quota (S3 user guide, BucketRestrictions)."""
    from tests.rules.listing import two_page_listing

    for name in ("page-one", "page-two"):
        bucket(s3, name)
    sent = two_page_listing(aws, "page-one", "page-two")
    rule.periodic()
    assert rule.compliance() == {"page-one": "COMPLIANT", "page-two": "COMPLIANT"}
    assert [("max-buckets" in query, query.get("continuation-token")) for query in sent] == [(True, None), (True, "page-2")]


def test_change_item_with_malformed_json_supplementary_is_an_error_naming_the_field(rule):
    item = s3_bucket_item("site", sse=None, acl="{grantList: [", public_access_block={"blockPublicAcls": False})
    item["supplementaryConfiguration"]["BucketPolicy"] = {"policyText": policy("site", principal={"AWS": "arn:aws:iam::111122223333:root"})}
    response = rule.change(item)
    assert "supplementaryConfiguration.AccessControlList" in response["internalErrorMessage"]
    assert "site" in response["internalErrorMessage"]
    assert rule.posted == []


# --- issue 8.12: one bad resource must not blank the region ---------------------------------


def statement_policy(bucket_name, **statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket_name}/*", **statement}]})


@pytest.mark.parametrize(
    "condition, expected",
    [
        ({"StringEquals": {"aws:SourceAccount": 111122223333}}, "COMPLIANT"),  # a number pins like its text
        ({"Bool": {"aws:SecureTransport": True}}, "NON_COMPLIANT"),  # true pins nothing
        ({"StringEquals": {"aws:SourceAccount": False}}, "COMPLIANT"),  # the text "false" is one fixed value
    ],
)
def test_scalar_condition_values_are_judged_as_their_text(rule, s3, condition, expected):
    bucket(s3, "scalar", statement_policy("scalar", Condition=condition))
    bucket(s3, "wide-open", policy("wide-open"))
    bucket(s3, "private-data")
    rule.periodic()
    assert rule.compliance() == {"scalar": expected, "wide-open": "NON_COMPLIANT", "private-data": "COMPLIANT"}


def test_a_policy_the_rule_cannot_parse_spoils_only_its_bucket(rule, s3):
    """moto stores any JSON; S3 would not, but a rule must survive what it did not foresee."""
    bucket(s3, "odd", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": "oops"}}]}))
    bucket(s3, "wide-open", policy("wide-open"))
    bucket(s3, "private-data")
    rule.periodic()
    assert rule.compliance() == {"odd": "NON_COMPLIANT", "wide-open": "NON_COMPLIANT", "private-data": "COMPLIANT"}
    assert rule.posted[0]["Annotation"].startswith("Could not be read: AttributeError")


# --- issue 17: anonymous callers and Deny coverage, through the rule ------------------------


def test_allow_pinned_to_the_anonymous_user_id_is_public(rule, s3):
    bucket(s3, "anon", statement_policy("anon", Condition={"StringEquals": {"aws:userid": "anonymous"}}))
    rule.periodic()
    assert rule.compliance() == {"anon": "NON_COMPLIANT"}


def test_deny_everyone_but_anonymous_leaves_the_allow_public(rule, s3):
    statements = [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::anon/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::anon/*",
         "Condition": {"StringNotEquals": {"aws:userid": "anonymous"}}},
    ]
    bucket(s3, "anon", json.dumps({"Version": "2012-10-17", "Statement": statements}))
    rule.periodic()
    assert rule.compliance() == {"anon": "NON_COMPLIANT"}


@pytest.mark.parametrize(
    "allowed, denied",
    [("arn:aws:s3:::bkt/Public/*", "arn:aws:s3:::bkt/public/*"),  # S3 keys are case-sensitive
     ("arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/?"),  # the Allow's * is a wildcard, not a character
     ("arn:aws:s3:::bkt/a", "arn:aws:s3:::bkt/[ab]")],  # IAM has no [...] classes
)
def test_a_deny_covers_an_allow_only_with_iams_wildcards(rule, s3, allowed, denied):
    statements = [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": allowed},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": denied,
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
    ]
    bucket(s3, "bkt", json.dumps({"Version": "2012-10-17", "Statement": statements}))
    rule.periodic()
    assert rule.compliance() == {"bkt": "NON_COMPLIANT"}


def test_policy_annotation_names_the_star_in_a_principal_list(rule, s3):
    bucket(s3, "mixed", statement_policy("mixed", Principal={"AWS": ["arn:aws:iam::111122223333:root", "*"]}))
    rule.periodic()
    assert "(Principal AWS:*," in rule.posted[0]["Annotation"]


# --- issue 16: survivors of mutation testing --------------------------------------------------


def test_bucket_owner_preferred_keeps_acls_enabled(rule, s3):
    bucket(s3, "acl-open", acl="public-read", ownership="BucketOwnerPreferred")
    rule.periodic()
    assert rule.compliance() == {"acl-open": "NON_COMPLIANT"}



@pytest.mark.parametrize("statements, public", POLICY_CASES, ids=POLICY_CASE_IDS)
def test_policy_is_judged_as_s3_does(rule, s3, statements, public):
    bucket(s3, "bkt", json.dumps({"Version": "2012-10-17", "Statement": statements}))
    rule.periodic()
    assert rule.compliance() == {"bkt": "NON_COMPLIANT" if public else "COMPLIANT"}


def test_change_item_with_null_policy_text_reads_the_bucket_never_compliant(rule, s3):
    """{"policyText": null} says no more than a null BucketPolicy: unknown, so it is read."""
    bucket(s3, "site", policy("site"))
    item = s3_bucket_item("site", sse=None, public_access_block={"blockPublicAcls": False})
    item["supplementaryConfiguration"]["BucketPolicy"] = {"policyText": None}
    rule.change(item)
    assert rule.compliance() == {"site": "NON_COMPLIANT"}
    assert "s3.GetBucketPolicy" in rule.calls


def test_policy_annotation_names_the_first_public_statement(rule, s3):
    statements = [dict(ALLOW_READ_SITE, Sid="First"), dict(ALLOW_READ_SITE, Sid="Second")]
    bucket(s3, "site", json.dumps({"Version": "2012-10-17", "Statement": statements}))
    rule.periodic()
    assert "statement Sid 'First'" in rule.posted[0]["Annotation"]


ALLOW_READ_SITE = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}


def test_periodic_only_exempt_buckets_reads_no_account_settings(rule, s3):
    bucket(s3, "www-example", policy("www-example"))
    rule.periodic({"ExemptBuckets": "www-example"})
    assert rule.compliance() == {"www-example": "NOT_APPLICABLE"}
    assert rule.calls == ["s3.ListBuckets"]


def test_acl_annotation_names_the_first_public_grant(rule, s3):
    bucket(s3, "acl-open")
    groups = "http://acs.amazonaws.com/groups/global/"
    s3.put_bucket_acl(Bucket="acl-open", AccessControlPolicy={"Owner": s3.get_bucket_acl(Bucket="acl-open")["Owner"], "Grants": [
        {"Grantee": {"Type": "Group", "URI": groups + "AllUsers"}, "Permission": "READ"},
        {"Grantee": {"Type": "Group", "URI": groups + "AuthenticatedUsers"}, "Permission": "WRITE"}]})
    rule.periodic()
    assert rule.compliance() == {"acl-open": "NON_COMPLIANT"}
    assert "ACL grant READ to AllUsers" in rule.posted[0]["Annotation"]


def test_periodic_exempt_buckets_absent_from_the_region_read_no_account_settings(rule, s3):
    bucket(s3, "www-example", policy("www-example"))
    rule.periodic({"ExemptBuckets": "www-example, other-site"})
    assert rule.compliance() == {"www-example": "NOT_APPLICABLE"}
    assert rule.calls == ["s3.ListBuckets"]
