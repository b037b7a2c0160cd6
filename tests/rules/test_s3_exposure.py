"""rules/_shared/s3_exposure.py: S3's "meaning of public", statement by statement."""
import importlib.util
import json
from pathlib import Path

import pytest

from tests.rules.policy_cases import POLICY_CASE_IDS, POLICY_CASES

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "s3_exposure.py"
_spec = importlib.util.spec_from_file_location("s3_exposure_under_test", _path)
exposure = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exposure)

BUCKET = "arn:aws:s3:::site"


def allow(principal="*", condition=None, action="s3:GetObject", resource=f"{BUCKET}/*", sid="Read"):
    statement = {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def public(*statements):
    """Judged as a bucket's policy arrives: parsed from JSON text (no string shared with this module)."""
    return exposure.public_statements(json.loads(json.dumps({"Version": "2012-10-17", "Statement": list(statements)})))


# --- principals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal",
    ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, {"AWS": "arn:aws:iam::*:root"},
     {"Federated": "graph.facebook.com"}, {"CanonicalUser": "*"}],
)
def test_open_principals_are_public(principal):
    assert [s.label for s in public(allow(principal))] == ["Sid 'Read'"]


@pytest.mark.parametrize(
    "principal",
    [{"AWS": "arn:aws:iam::111122223333:root"}, {"AWS": ["111122223333", "444455556666"]},
     {"Service": "cloudtrail.amazonaws.com"}, {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}],
)
def test_fixed_principals_are_not_public(principal):
    assert public(allow(principal)) == []


def test_allow_with_not_principal_is_public():
    statement = allow()
    del statement["Principal"]
    statement["NotPrincipal"] = {"AWS": "arn:aws:iam::111122223333:root"}
    assert public(statement)[0].principal == "NotPrincipal"


def test_deny_statements_never_make_a_policy_public():
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET, f"{BUCKET}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert public(deny) == []


def test_no_policy_and_single_statement_object():
    assert exposure.public_statements(None) == []
    assert exposure.public_statements({}) == []
    assert len(exposure.public_statements({"Statement": allow()})) == 1


# --- conditions that pin and conditions that do not ---------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        {"StringEquals": {"aws:SourceVpc": "vpc-91237329"}},
        {"StringEquals": {"aws:SourceAccount": "111122223333"}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        {"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}},
        {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
        {"StringEquals": {"aws:SourceOwner": "111122223333"}},
        {"StringEquals": {"aws:userid": "AROAEXAMPLEID:alice"}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}},
        {"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}},
        {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:111122223333:accesspoint/*"}},
        {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
    ],
)
def test_a_condition_pinning_fixed_values_makes_it_not_public(condition):
    assert public(allow(condition=condition)) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"IpAddress": {"aws:SourceIp": "::/0"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}},
        {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/0"]}},
        {"IpAddress": {"aws:SourceIp": "2001:db8::/16"}},
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"StringLike": {"aws:SourceVpc": "vpc-*"}},
        {"StringEquals": {"aws:SourceAccount": "*"}},
        {"StringLike": {"aws:SourceAccount": "*"}},
        {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
        {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        {"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}},
        {"StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
        {"StringEquals": {"aws:Referer": "https://example.com"}},
        {"StringEquals": {"aws:userid": "AROAEXAMPLEID:*"}},
    ],
)
def test_a_condition_that_does_not_pin_leaves_it_public(condition):
    assert len(public(allow(condition=condition))) == 1


# --- a Deny that limits the Allow ---------------------------------------------------------


def vpce_deny(**overrides):
    deny = {"Sid": "OnlyViaEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    deny.update(overrides)
    return deny


def test_allow_limited_by_a_deny_on_a_fixed_endpoint_is_not_public():
    assert public(allow(), vpce_deny()) == []
    assert public(allow(), vpce_deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"Action": "s3:PutObject"},  # does not cover GetObject
        {"Resource": f"{BUCKET}/private/*"},  # does not cover every object
        {"Principal": {"AWS": "arn:aws:iam::111122223333:root"}},  # not everyone
        {"Condition": {"StringNotLike": {"aws:SourceVpce": "vpce-*"}}},  # wildcard: no pin
        {"Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}, "Bool": {"aws:SecureTransport": "false"}}},
        {"Condition": {}},
        {"NotAction": "s3:GetObject", "Action": None},
    ],
)
def test_a_deny_that_does_not_cover_the_allow_leaves_it_public(overrides):
    deny = {k: v for k, v in vpce_deny(**overrides).items() if v is not None}
    assert len(public(allow(), deny)) == 1


# --- ACLs and Block Public Access settings ------------------------------------------------


def test_public_grants_from_the_api_shape():
    acl = {"Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "WRITE"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"},
    ]}
    assert exposure.public_grants(acl) == [("AllUsers", "READ"), ("AuthenticatedUsers", "WRITE")]


def test_public_grants_from_the_configuration_item_shape():
    acl = json.loads(
        '{"grantSet":null,"grantList":[{"grantee":{"id":"0123abcd","displayName":null},"permission":"FullControl"},'
        '{"grantee":"AllUsers","permission":"Read"},{"grantee":"LogDelivery","permission":"Write"},'
        '{"grantee":{"identifier":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers","typeIdentifier":"uri"},'
        '"permission":"ReadAcp"}],"owner":{"displayName":null,"id":"0123abcd"},"isRequesterCharged":false}'
    )
    assert exposure.public_grants(acl) == [("AllUsers", "Read"), ("AuthenticatedUsers", "ReadAcp")]


def test_private_acl_has_no_public_grants():
    assert exposure.public_grants({"grantList": [{"grantee": {"id": "0123abcd"}, "permission": "FullControl"}]}) == []
    assert exposure.public_grants(None) == []


def test_bpa_flags_read_both_dialects_and_absence_is_off():
    api = {"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    item = {"blockPublicAcls": True, "ignorePublicAcls": False, "blockPublicPolicy": True, "restrictPublicBuckets": True}
    assert exposure.bpa_flags(api) == exposure.bpa_flags(item) == api
    assert exposure.bpa_flags(None) == dict.fromkeys(exposure.BPA_FLAGS, False)


def test_description_fits_an_annotation():
    statement = allow(sid="S" * 80, action=[f"s3:Action{i}" for i in range(30)], principal={"AWS": ["*"] * 20})
    [described] = public(statement)
    assert len(described.label) <= 27 and len(described.principal) <= 24 and len(described.actions) <= 28


@pytest.mark.parametrize("statements, is_public", POLICY_CASES, ids=POLICY_CASE_IDS)
def test_policy_case_is_judged_as_s3_does(statements, is_public):
    assert bool(public(*statements)) is is_public


@pytest.mark.parametrize(
    "condition, is_public",
    [({"StringEquals": {"aws:SourceAccount": 111122223333}}, False), ({"Bool": {"aws:SecureTransport": True}}, True),
     ({"StringEquals": {"aws:SourceAccount": False}}, False), ({"StringEquals": {"aws:userid": "anonymous"}}, True),
     ({"StringEqualsIgnoreCase": {"aws:userid": "ANONYMOUS"}}, True), ({"StringEquals": {"aws:userid": "AIDAEXAMPLE"}}, False)],
)
def test_scalar_and_anonymous_condition_values(condition, is_public):
    assert bool(public(allow(condition=condition))) is is_public


@pytest.mark.parametrize(
    "principal, shown",
    [({"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "Principal AWS:*, AWS:arn"),
     ({"Service": "s3.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"}, "Principal Federated:cogni")],
)
def test_annotation_names_the_principal_that_makes_it_public(principal, shown):
    assert public(allow(principal))[0].principal == shown[:24]


# --- mutation-testing survivors (make mutate) ---------------------------------------------


def test_unnamed_statements_are_labelled_by_their_position():
    statements = [allow(sid=None), allow(sid=None), allow(sid=None)]
    for statement in statements:
        del statement["Sid"]
    assert [s.label for s in public(*statements)] == ["#1", "#2", "#3"]


@pytest.mark.parametrize(
    "actions, shown",
    [(["s3:GetObject"], "s3:GetObject"),
     (["s3:GetObject", "s3:PutObject"], "s3:GetObject, s3:PutObject"),
     (["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "s3:GetObject, s3:PutObject ..."[:28]),
     (["s3:GetObjectVersionAcl", "s3:PutObjectVersionAcl"], "s3:GetObjectVersionAcl, s3:Pu")],
)
def test_actions_shown_are_the_first_two_and_fit(actions, shown):
    assert public(allow(action=actions))[0].actions == shown[:28]


@pytest.mark.parametrize(
    "condition, is_public",
    [({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, False), ({"IpAddress": {"aws:SourceIp": "2001:db8::/31"}}, True),
     ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False), ({"IpAddress": {"aws:SourceIp": "10.0.0.0/7"}}, True),
     ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, True),
     ({"ForAllValues:StringEquals": {"aws:SourceAccount": "111122223333"}}, True),
     ({"ForAnyValue:StringEquals": {"aws:SourceAccount": "111122223333"}}, False)],
)
def test_cidr_bounds_and_conditions_that_hold_when_the_key_is_absent(condition, is_public):
    assert bool(public(allow(condition=condition))) is is_public


def test_a_literal_character_in_a_deny_is_not_a_wildcard():
    allowed = allow(resource="arn:aws:s3:::bkt/a/*")
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/1/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    assert public(allowed, deny)


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_not_resource_allow_is_covered_by_a_deny_on_every_bucket_of_its_partition(partition):
    allowed = allow(resource=None)
    del allowed["Resource"]
    allowed["NotResource"] = f"arn:{partition}:s3:::bkt/private/*"
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:{partition}:s3:::*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    assert public(allowed, deny) == []


@pytest.mark.parametrize("uri", ["/AllUsers", "http://example.com/groups/global/AllUsers"])
def test_a_grantee_that_only_ends_in_a_group_name_is_not_the_group(uri):
    assert exposure.public_grants({"Grants": [{"Grantee": {"URI": uri}, "Permission": "READ"}]}) == []


@pytest.mark.parametrize(
    "condition, is_public",
    [({"StringLike": {"aws:PrincipalOrgID": "o-abcdefghij/*"}}, True),  # an org-path anchor pins only aws:PrincipalOrgPaths
     ({"StringLike": {"aws:PrincipalOrgPaths": "o-abcdefghij/*"}}, False),
     ({"StringEquals": {"aws:SourceVpce": "anonymous"}}, False),  # only aws:userid names the anonymous caller
     ({"ForAllValues:StringEquals": {"aws:SourceAccount": "1"}, "StringEquals": {"aws:SourceAccount": "111122223333"}}, False),
     ({"IpAddress": {"aws:SourceIp": "10.1.2.3/8"}}, False),  # host bits set: still a /8, as IAM reads it
     ({"StringLike": {"aws:SourceVpce": "o-abcdefghij/*"}}, True),
     ({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}, True),
     ({"StringEquals": {"s3:DataAccessPointAccount": "anonymous"}}, False)],  # only aws:userid names the anonymous caller  # a policy variable is no fixed value
)
def test_more_pinning_edges(condition, is_public):
    assert bool(public(allow(condition=condition))) is is_public


@pytest.mark.parametrize(
    "allowed, denied, is_public",
    [("arn:aws:s3:::bkt/ab", "arn:aws:s3:::bkt/a", True),  # a Deny on a prefix does not cover the longer name
     ("arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/*.txt", True),
     ("arn:aws:s3:::bkt/a.txt", "arn:aws:s3:::bkt/*.txt", False),
     ("arn:aws:s3:::bkt/a(1)$", "arn:aws:s3:::bkt/a(1)$", False),  # punctuation is literal on both sides
     ("arn:aws:s3:::bkt/a(1)", "arn:aws:s3:::bkt/a(", True)],
)
def test_deny_resource_coverage_edges(allowed, denied, is_public):
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": denied,
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    assert bool(public(allow(resource=allowed), deny)) is is_public


def test_not_resource_star_is_covered_by_a_deny_on_every_bucket():
    allowed = allow()
    del allowed["Resource"]
    allowed["NotResource"] = "*"
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    assert public(allowed, deny) == []


def test_long_sid_is_cut_to_twenty_characters():
    assert public(allow(sid="S" * 30))[0].label == f"Sid '{'S' * 20}'"


def test_only_effect_deny_limits_an_allow():
    """IAM's Effect is exactly Allow or Deny; anything else (S3 would refuse it) limits nothing."""
    deny = {"Effect": "Forbid", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}
    assert public(allow(), deny)


def test_a_statement_without_principal_grants_no_one():
    """Not valid in a bucket policy (S3 refuses it); as written it names no principal to grant."""
    statement = allow()
    del statement["Principal"]
    assert public(statement) == []
