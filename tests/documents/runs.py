"""What the document tests ask of a run: the rule's verdict now, and which calls could have changed something."""
from clearsight.automation.awsapi import is_read_only


def verdicts(run_rule, rule, parameters=None):
    """{resource id: compliance} from a fresh periodic run of the rule."""
    runner = run_rule(rule)
    runner.periodic(parameters)
    return runner.compliance()


def mutating_calls(execution):
    """Operations the run sent (or, dry, would have sent) that are not Get/Describe/List/Head."""
    return [f"{service}.{operation}" for service, operation, _ in execution.api_calls if not is_read_only(operation)]


def iam_actions(execution, action_of):
    """The IAM actions a run needed, by mapping each call it made (STS identity needs none)."""
    return {action_of[(service, operation)] for service, operation, _ in execution.api_calls if service != "sts"}


def config_parameters(rule, resource_id):
    """The document parameters AWS Config would send from the rule's Remediation block for resource_id."""
    return {
        name: resource_id if spec.get("ResourceValue", {}).get("Value") == "RESOURCE_ID" else spec["StaticValue"]["Values"]
        for name, spec in rule.remediation["Parameters"].items()
    }
