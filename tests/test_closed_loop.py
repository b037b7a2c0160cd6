"""The closed loop, for every rule that has a paired document: data, not code, covers a new pair.

Seed the embedded account; for each resource the sandbox seeded NON_COMPLIANT for the rule:
evaluate (NON_COMPLIANT), run the document with the local engine, evaluate (COMPLIANT), run it
again (Success, and not one call that could change anything). Resources seeded COMPLIANT stay so.
Along the way: the rule's Remediation block, as Config would pass it, is accepted by the document,
and the document's policy grants exactly the IAM actions the remediating runs needed.
"""
import pytest

from clearsight.catalog import load_catalog
from clearsight.evaluate import evaluate_periodic
from clearsight.remediate import remediate
from clearsight.sandbox import DEFAULT_REGION, embedded_account, remediation_parameters, seed_estate
from clearsight.automation import load_document
from clearsight.automation.parameters import validate
from clearsight.remediate import document_parameters
from tests.documents.runs import iam_actions, mutating_calls

REMEDIABLE = sorted(name for name, rule in load_catalog().rules.items() if rule.remediation)


def test_every_remediable_rule_is_walked():
    assert {"S3_BUCKET_KMS_ENCRYPTION"} <= set(REMEDIABLE)


@pytest.mark.parametrize("rule_name", REMEDIABLE)
def test_remediation_turns_the_rule_compliant_and_a_second_run_changes_nothing(rule_name, catalog):
    rule = catalog.rule(rule_name)
    assert catalog.document_for(rule), f"{rule_name} names {rule.document_name}, which is not in remediation-documents/"
    with embedded_account() as session:
        seeded = seed_estate(session)
        targets = [s.resource_id for s in seeded if s.rule == rule_name and s.expected == "NON_COMPLIANT"]
        keep = [s.resource_id for s in seeded if s.rule == rule_name and s.expected == "COMPLIANT"]
        assert targets, f"seed a NON_COMPLIANT resource for {rule_name} in src/clearsight/sandbox/estate/"
        parameters = remediation_parameters(seeded)[rule_name]
        needed = set()
        document = catalog.document_for(rule)
        for resource_id in targets:
            as_config_passes = document_parameters(rule, resource_id)  # the Remediation block as written
            assert set(as_config_passes) == set(document.content["parameters"])
            validate(load_document(document.path).parameters, as_config_passes)

            first = remediate(catalog, rule_name, resource_id, session, DEFAULT_REGION, parameters)
            assert first.before.compliance == "NON_COMPLIANT"
            assert first.execution.status == "Success", first.execution.failure_message
            assert first.after.compliance == "COMPLIANT", first.after
            assert mutating_calls(first.execution), "the first run must change something"
            needed |= iam_actions(first.execution)

            second = remediate(catalog, rule_name, resource_id, session, DEFAULT_REGION, parameters)
            assert second.execution.status == "Success", second.execution.failure_message
            assert second.after.compliance == "COMPLIANT"
            assert mutating_calls(second.execution) == []

        granted = {action for statement in document.policy["Statement"] for action in statement["Action"]}
        assert needed == granted, f"{document.policy_path.name} must grant exactly what remediating runs call"

        final = evaluate_periodic(rule, session, DEFAULT_REGION, "123456789012")
        assert final.errors == []
        assert {e.resource_id: e.compliance for e in final.evaluations if e.resource_id in keep} == {r: "COMPLIANT" for r in keep}

