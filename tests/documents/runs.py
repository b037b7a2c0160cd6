"""What the document tests ask of a run: the rule's verdict now, and which calls could have changed something."""
from clearsight.automation.awsapi import is_read_only
from clearsight.validate.iam import ALSO_NEEDED, iam_action


def verdicts(run_rule, rule, parameters=None):
    """{resource id: compliance} from a fresh periodic run of the rule."""
    runner = run_rule(rule)
    runner.periodic(parameters)
    return runner.compliance()


def mutating_calls(execution):
    """Operations the run sent (or, dry, would have sent) that are not Get/Describe/List/Head."""
    return [f"{service}.{operation}" for service, operation, _ in execution.api_calls if not is_read_only(operation)]


def iam_actions(execution):
    """The IAM actions a run needed, by mapping each call it made (STS identity needs none)."""
    return {
        action
        for service, operation, _ in execution.api_calls
        if service != "sts"
        for action in (iam_action(service, operation), *ALSO_NEEDED.get((service, operation), ()))
    }

