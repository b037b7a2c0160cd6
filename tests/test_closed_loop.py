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
from tests.documents.branches import UNSEEDED_BRANCHES
from clearsight.automation.parameters import validate
from clearsight.remediate import document_parameters
from tests.documents.runs import iam_actions, mutating_calls
from tests.state_judges import STATE_JUDGES

CATALOG = load_catalog()
PAIRED = {name: CATALOG.document_for(rule) for name, rule in CATALOG.rules.items() if rule.remediation}
REMEDIABLE = sorted(name for name, document in PAIRED.items() if not (document and document.notify_only))
NOTIFYING = sorted(name for name, document in PAIRED.items() if document and document.notify_only)


def test_every_remediable_rule_is_walked():
    assert {"S3_BUCKET_KMS_ENCRYPTION"} <= set(REMEDIABLE)
    assert {"ROOT_ACCOUNT_MFA_ENABLED", "ROOT_ACCOUNT_UNUSED"} <= set(NOTIFYING)
    assert set(REMEDIABLE) <= set(STATE_JUDGES), "add a judge of the resource's state to tests/state_judges.py"


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
        for prerequisite in {rule for s in seeded if s.rule == rule_name for rule in s.after}:
            for finding in [s for s in seeded if s.rule == prerequisite and s.expected == "NON_COMPLIANT"]:
                done = remediate(catalog, prerequisite, finding.resource_id, session, DEFAULT_REGION, finding.remediation_parameters)
                assert done.after.compliance == "COMPLIANT", f"prerequisite {prerequisite} not fixed: {done.after}"
        needed = set()
        document = catalog.document_for(rule)
        for resource_id in targets:
            as_config_passes = document_parameters(rule, resource_id)  # the Remediation block as written
            declared = document.content["parameters"]
            required = {name for name, spec in declared.items() if "default" not in spec}
            assert required <= set(as_config_passes) <= set(declared)  # an optional one may keep its default
            validate(load_document(document.path).parameters, as_config_passes)

            with pytest.raises(AssertionError):  # the judge can fail: it rejects the state before the run
                STATE_JUDGES[rule_name](session, resource_id, parameters)
            first = remediate(catalog, rule_name, resource_id, session, DEFAULT_REGION, parameters)
            assert first.before.compliance == "NON_COMPLIANT"
            assert first.execution.status == "Success", first.execution.failure_message
            assert first.after.compliance == "COMPLIANT", first.after
            STATE_JUDGES[rule_name](session, resource_id, parameters)  # not only the rule's word for it
            assert mutating_calls(first.execution), "the first run must change something"
            needed |= iam_actions(first.execution)

            second = remediate(catalog, rule_name, resource_id, session, DEFAULT_REGION, parameters)
            assert second.execution.status == "Success", second.execution.failure_message
            assert second.after.compliance == "COMPLIANT"
            assert mutating_calls(second.execution) == []

        granted = {action for statement in document.policy["Statement"] for action in statement["Action"]}
        needed |= UNSEEDED_BRANCHES.get(document.path.stem, set())
        assert needed == granted, f"{document.policy_path.name} must grant exactly what remediating runs call"

        final = evaluate_periodic(rule, session, DEFAULT_REGION, "123456789012")
        assert final.errors == []
        assert {e.resource_id: e.compliance for e in final.evaluations if e.resource_id in keep} == {r: "COMPLIANT" for r in keep}



@pytest.mark.parametrize("rule_name", NOTIFYING)
def test_notify_only_document_publishes_the_finding_and_changes_nothing(rule_name, catalog):
    """What no API can fix is told to a person: the message arrives, the resource is unchanged."""
    rule = catalog.rule(rule_name)
    document = catalog.document_for(rule)
    with embedded_account() as session:
        seeded = seed_estate(session)
        parameters = remediation_parameters(seeded)[rule_name]
        sqs = session.client("sqs", region_name=DEFAULT_REGION)
        queue = sqs.create_queue(QueueName="root-findings")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        session.client("sns", region_name=DEFAULT_REGION).subscribe(
            TopicArn=parameters["TopicArn"], Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
        for entry in (s for s in seeded if s.rule == rule_name):
            validate(load_document(document.path).parameters, document_parameters(rule, entry.resource_id))
            done = remediate(catalog, rule_name, entry.resource_id, session, DEFAULT_REGION, parameters)
            assert done.execution.status == "Success", done.execution.failure_message
            assert done.after.compliance == done.before.compliance == entry.expected
            assert mutating_calls(done.execution) == ["sns.Publish"]
            granted = {action for statement in document.policy["Statement"] for action in statement["Action"]}
            assert iam_actions(done.execution) == granted
            message = sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"]
            assert f"{rule_name} found the root user of account {entry.resource_id}" in message
            assert "No API can fix this" in message
