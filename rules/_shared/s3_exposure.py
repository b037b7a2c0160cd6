"""When S3 itself calls a bucket public: Block Public Access settings, bucket policies, ACLs.

Pure functions, shared by the S3 public-access rules. They mirror "The meaning of public" in
the S3 user guide (access-control-block-public-access.html), because AWS's managed rules and
peers misjudge it both ways:
- an ACL is public when it grants anything to the AllUsers or AuthenticatedUsers group;
- a policy is public unless every Allow statement is limited to fixed values (no wildcard, no
  ${policy-variable}) of a principal or of a pinning condition key (PINNING_KEYS), with
  aws:SourceIp no broader than /8 (IPv4) or /32 (IPv6). Deny statements never make it public.
Decisions beyond the guide's text (kept conservative: when unsure, public):
- Federated principals are public (the guide's own example) unless a condition pins them;
- an Allow that a Deny limits to fixed values counts as pinned: a Deny with Principal "*"
  covering the Allow's actions and resources whose every condition is a negated pin
  (StringNotEquals aws:SourceVpce vpce-1, NotIpAddress aws:SourceIp 10.0.0.0/8, ...);
  "covering" is proven with IAM's own wildcards (* any run, ? one character; resources
  case-sensitive, actions not), and an Allow with NotAction/NotResource is covered only by a
  Deny on every S3 action/resource;
- aws:userid "anonymous" pins nothing: IAM gives every unauthenticated caller that user id;
- condition values that are JSON numbers or booleans are read as their text, as IAM does;
- a wildcard after a fixed account id (aws:PrincipalArn, aws:SourceArn, s3:DataAccessPointArn)
  or after a fixed organization id (aws:PrincipalOrgPaths) still pins; anywhere else it does not;
- ForAllValues: and ...IfExists conditions never pin an Allow (both hold when the key is absent).
"""
import ipaddress
import json
import re
from collections import namedtuple
from functools import cache

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_GROUPS = ("AllUsers", "AuthenticatedUsers")

PINNING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceAccount", "aws:SourceOwner", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce",
        "aws:SourceIp", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:userid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:DataAccessPointArn", "s3:DataAccessPointAccount",
    )
)
POSITIVE_OPERATORS = frozenset(
    op.lower() for op in ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
)
NEGATED_OPERATORS = frozenset(
    op.lower() for op in ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NotIpAddress")
)
ACCOUNT_ANCHORED_KEYS = frozenset({"aws:principalarn", "aws:sourcearn", "s3:dataaccesspointarn"})
ACCOUNT_ANCHOR = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:\d{12}:")
ORG_ANCHOR = re.compile(r"^o-[a-z0-9]{10,32}/")
WILDCARD = re.compile(r"[*?]")
ANONYMOUS = "anonymous"  # aws:userid of every unauthenticated caller

PublicStatement = namedtuple("PublicStatement", "label principal actions")


def bpa_flags(configuration):
    """The four settings from an API response (PascalCase) or a configuration item (camelCase).

    None or a missing key means off: that is what S3 applies when nothing is configured.
    """
    configuration = configuration or {}
    return {flag: bool(configuration.get(flag, configuration.get(flag[0].lower() + flag[1:]))) for flag in BPA_FLAGS}


def _strings(value):
    """A policy value as IAM reads it: one value or a list of them, numbers and booleans as their JSON text."""
    values = [] if value is None else value if isinstance(value, list) else [value]
    return [item if isinstance(item, str) else json.dumps(item) for item in values]


# --- ACLs ------------------------------------------------------------------------------------


def _group(grantee):
    """AllUsers / AuthenticatedUsers / ... from any grantee shape: API dict with URI, the
    configuration item's bare group name ("AllUsers"), or a dict carrying the group URI."""
    texts = [grantee] if isinstance(grantee, str) else [v for v in (grantee or {}).values() if isinstance(v, str)]
    for text in texts:
        name = text.rstrip("/").rsplit("/", 1)[-1]
        if name in PUBLIC_GROUPS and (text == name or text.startswith("http://acs.amazonaws.com/groups/global/")):
            return name
    return None


def public_grants(acl):
    """[(group, permission)] of the ACL's grants to the public groups.

    acl: GetBucketAcl's response (Grants) or the configuration item's AccessControlList
    (grantList, grantSet), already decoded from JSON.
    """
    acl = acl or {}
    grants = [(g.get("Grantee"), g.get("Permission")) for g in acl.get("Grants") or []]
    for key in ("grantList", "grantSet"):
        grants += [(g.get("grantee"), g.get("permission")) for g in acl.get(key) or []]
    return [(_group(grantee), permission) for grantee, permission in grants if _group(grantee)]


# --- bucket policies -------------------------------------------------------------------------


def _fixed(key, value):
    """A value that names one thing: no wildcard or policy variable, bar the anchored cases."""
    if not isinstance(value, str) or "${" in value:
        return False
    match = WILDCARD.search(value)
    if match is None:
        return True
    prefix = value[: match.start()]
    if key in ACCOUNT_ANCHORED_KEYS:
        return bool(ACCOUNT_ANCHOR.match(prefix))
    return key == "aws:principalorgpaths" and bool(ORG_ANCHOR.match(prefix))


def _narrow_cidr(value):
    """aws:SourceIp values S3 accepts as non-public: /8 or narrower (IPv4), /32 or narrower (IPv6)."""
    try:
        network = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return False
    return network.prefixlen >= (8 if network.version == 4 else 32)


def _pins(key, values):
    key = key.lower()
    if key not in PINNING_KEYS or not values:
        return False
    if key == "aws:userid" and any(value.lower() == ANONYMOUS for value in values):
        return False
    if key == "aws:sourceip":
        return all(_narrow_cidr(value) for value in values)
    return all(_fixed(key, value) for value in values)


def _conditions(statement):
    """(operator, key, values) for each condition, operator lower-cased."""
    return [
        (operator.lower(), key, _strings(values))
        for operator, block in (statement.get("Condition") or {}).items()
        for key, values in (block or {}).items()
    ]


def _pinned_by_own_condition(statement):
    """An Allow condition (all are ANDed) that limits it to fixed values pins it."""
    for operator, key, values in _conditions(statement):
        if operator.startswith("forallvalues:") or operator.endswith("ifexists"):
            continue
        if operator.removeprefix("foranyvalue:") in POSITIVE_OPERATORS and _pins(key, values):
            return True
    return False


def _principal_is_public(statement):
    if "NotPrincipal" in statement:
        return True  # an Allow to everyone but the listed principals
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return any(kind == "Federated" or any(WILDCARD.search(v) for v in _strings(values)) for kind, values in principal.items())


def _within(pattern, cover):
    """Every string IAM's `pattern` matches is matched by `cover` (* any run, ? one character).

    Sound, not complete: where it cannot prove it, the answer is no, and the Allow stays public.
    """

    @cache
    def match(i, j):
        if j == len(cover):
            return i == len(pattern)
        if cover[j] == "*":
            return match(i, j + 1) or (i < len(pattern) and match(i + 1, j))
        if i == len(pattern) or pattern[i] == "*":
            return False
        return (cover[j] == "?" or pattern[i] == cover[j]) and match(i + 1, j + 1)

    return match(0, 0)


def _covers(denied, granted):
    """Each granted pattern lies within one denied pattern."""
    return all(any(_within(value, pattern) for pattern in denied) for value in granted)


def _granted(allow):
    """(actions, resources) an Allow grants; NotAction/NotResource grant every other S3 one."""
    if "NotAction" in allow:
        actions = ["s3:*"]
    else:
        actions = [action.lower() for action in _strings(allow.get("Action"))]
    if "NotResource" in allow:
        arn = (_strings(allow["NotResource"]) or ["arn:aws"])[0].split(":")
        resources = [f"arn:{arn[1] if len(arn) > 1 else 'aws'}:s3:::*"]
    else:
        resources = _strings(allow.get("Resource"))
    return actions, resources


def _deny_pins(deny, allow):
    """A Deny on everyone, for all the Allow's actions and resources, unless a fixed value matches."""
    if deny.get("Principal") not in ("*", {"AWS": "*"}, {"AWS": ["*"]}) or "NotAction" in deny or "NotResource" in deny:
        return False
    actions, resources = _granted(allow)
    denied_actions = [action.lower() for action in _strings(deny.get("Action"))]
    if not _covers(denied_actions, actions) or not _covers(_strings(deny.get("Resource")), resources):
        return False
    conditions = _conditions(deny)
    return bool(conditions) and all(
        not operator.startswith("foranyvalue:")
        and operator.removeprefix("forallvalues:").removesuffix("ifexists") in NEGATED_OPERATORS
        and _pins(key, values)
        for operator, key, values in conditions
    )


def _public_first(principal):
    """(kind, value) pairs of a Principal, those that make it public first, so an annotation names them."""
    pairs = [(kind, value) for kind, values in principal.items() for value in _strings(values)]
    return sorted(pairs, key=lambda pair: not (pair[0] == "Federated" or WILDCARD.search(pair[1])))


def _describe(index, statement):
    label = f"Sid '{statement['Sid'][:20]}'" if statement.get("Sid") else f"#{index + 1}"
    principal = statement.get("Principal")
    if "NotPrincipal" in statement:
        shown = "NotPrincipal"
    elif principal == "*":
        shown = "Principal *"
    else:
        shown = "Principal " + ", ".join(f"{kind}:{value}" for kind, value in _public_first(principal))
    actions = ["NotAction"] if "NotAction" in statement else _strings(statement.get("Action"))
    shown_actions = ", ".join(actions[:2]) + (" ..." if len(actions) > 2 else "")
    return PublicStatement(label, shown[:24], shown_actions[:28])


def public_statements(policy):
    """The Allow statements that make a bucket policy public, described for an annotation.

    policy: the decoded policy document (None or {} when the bucket has none).
    """
    statement = (policy or {}).get("Statement")
    statements = [s for s in (statement if isinstance(statement, list) else [statement]) if isinstance(s, dict)]
    denies = [s for s in statements if s.get("Effect") == "Deny"]
    return [
        _describe(index, statement)
        for index, statement in enumerate(statements)
        if statement.get("Effect") == "Allow"
        and _principal_is_public(statement)
        and not _pinned_by_own_condition(statement)
        and not any(_deny_pins(deny, statement) for deny in denies)
    ]
