"""Each rule's policy.json grants exactly what its Lambda needs: every call it makes, nothing more.

The rule runs its periodic path over the seeded sandbox (every kind of resource it reads is
there); each call is mapped to the IAM action AWS checks for it.
"""
import pytest

from clearsight.catalog import load_catalog
from clearsight.sandbox import seed_estate
from clearsight.validate.iam import allows, iam_action
from tests.rules.inventory_answers import healthy_inventory

RULES = sorted(load_catalog().rules)
RDKLIB_ACTIONS = {"config:PutEvaluations", "config:GetComplianceDetailsByConfigRule"}  # posting and periodic clean-up
# change-triggered rules also get oversized notifications, which rdklib inflates with this call
# (its change path is checked in tests/rules/test_change_path_policies.py)
OVERSIZED_ACTIONS = {"config:GetResourceConfigHistory"}


def granted(policy):
    return {
        action
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow"
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }


@pytest.mark.parametrize("rule_name", RULES)
def test_rule_policy_is_least_privilege(rule_name, aws, run_rule, catalog):
    policy = catalog.rule(rule_name).policy
    assert policy, f"rules/{rule_name}/policy.json is missing"
    seed_estate(aws)
    runner = run_rule(rule_name)
    response = runner.periodic()
    assert not isinstance(response, dict), response  # the run itself succeeded
    if "EvaluationSource" in catalog.rule(rule_name).optional_parameters:  # the inventory path too
        healthy_inventory(aws, [])
        assert not isinstance(runner.periodic(), dict)
    needed = {iam_action(*call.split(".")) for call in runner.calls} | RDKLIB_ACTIONS
    if catalog.rule(rule_name).resource_types:
        needed |= OVERSIZED_ACTIONS
    assert [action for action in sorted(needed) if not allows(policy, action)] == []
    assert granted(policy) == needed
