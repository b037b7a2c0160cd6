"""A periodic sweep judges each resource on its own: one that cannot be read must not hide the others.

AWS Config has no per-resource error, so a resource whose reads fail (AccessDenied on that one
resource, throttled out, a policy the rule cannot parse) is reported NON_COMPLIANT, never
COMPLIANT, with an annotation that starts with UNREADABLE and names the failure; clearsight's
scan also lists it under errors. A failure of the listing itself is not a resource's: it still
fails the whole rule, as does anything raised outside `judge`.
Resources are judged concurrently (bounded_reads), so a sweep waits on the service, not on
round trips; the evaluations keep the listing's order.
"""
from botocore.exceptions import ClientError
from rdklib import ComplianceType, Evaluation

from bounded_reads import read_each

UNREADABLE = "Could not be read: "
FIX = " Not judged, so reported NON_COMPLIANT: grant the rule's role the call or fix the resource, then re-evaluate."


def judge_each(resource_ids, resource_type, judge, gone_codes=()):
    """Evaluations of each resource by judge(resource_id) -> (compliance, annotation).

    A ClientError whose code is in gone_codes means the resource was deleted since the listing:
    nothing is reported for it. Any other exception makes that resource alone UNREADABLE.
    """

    def evaluation(resource_id):
        try:
            compliance, annotation = judge(resource_id)
        except ClientError as error:
            if error.response["Error"]["Code"] in gone_codes:
                return None
            compliance, annotation = ComplianceType.NON_COMPLIANT, unreadable(error)
        except Exception as error:  # one resource's surprise must not blank the region
            compliance, annotation = ComplianceType.NON_COMPLIANT, unreadable(error)
        return Evaluation(compliance, resource_id, resource_type, annotation)

    return [e for e in read_each(evaluation, resource_ids) if e is not None]


def unreadable(error):
    """The annotation of an unreadable resource, under 256 characters, naming the failure."""
    if isinstance(error, ClientError):
        detail = f"{error.response['Error']['Code']} on {error.operation_name}"
    else:
        detail = f"{type(error).__name__}: {error}"
    return UNREADABLE + detail[: 255 - len(UNREADABLE) - len(FIX) - 1] + "." + FIX
