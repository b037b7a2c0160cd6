"""ROOT_ACCOUNT_UNUSED: root has no access keys and has not signed in or used a key for MaxDaysSinceLastUse days.

Why: root is for the few tasks only root can do (CIS 1.4 and 1.7, Security Hub IAM.4). AWS's
IAM_ROOT_ACCESS_KEY_CHECK sees keys but not use; nothing managed says root was used last week.

Resource type: AWS::::Account (resource id: the account id). IAM is global: only the rule in
ReportingRegion (default us-east-1) reports; every other region returns no evaluation.
Trigger: periodic. The IAM credential report's <root_account> row: GetCredentialReport, and
when there is none (or it expired) GenerateCredentialReport, then GetCredentialReport again
until it is ready, waiting at most REPORT_WAITS (about half a minute). A report that never comes,
or one without a root row, is an error (a ValueError, which rdklib returns as the rule's internal
error): the rule could not look, so it posts nothing.
Parameters (all optional):
  MaxDaysSinceLastUse  root must not have signed in or used an access key within this many days
                       (default 90, 1-3650).
  ReportingRegion      the one region whose rule reports the account (default us-east-1).
Scenarios:
  - no root access key, no root sign-in or key use within the window: COMPLIANT
  - a root access key (active or not): NON_COMPLIANT
  - root signed in (password_last_used) or used a key within the window: NON_COMPLIANT, with the date
  - rule outside ReportingRegion: no evaluation
  - report never ready, or no root row: an error, never COMPLIANT
  - bad parameter: InvalidParametersError; AccessDenied or throttled: an error, never COMPLIANT
Root use cannot be undone through an API: the paired document, Clearsight-RootAccountNotify,
publishes the finding to an SNS topic for a person to act on (delete the keys as root, find out
why root was used).
"""
import csv
import io
import time
from datetime import datetime, timedelta, timezone

from botocore.exceptions import ClientError
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator, InvalidParametersError

from reporting_region import parse_reporting_region, reports_here
from rule_parameters import reject_unknown

APPLICABLE_RESOURCES = ["AWS::::Account"]
ROOT_USER = "<root_account>"
# Seconds slept before each GetCredentialReport: the first at once, then backing off (a small
# report is often ready within a second of GenerateCredentialReport); ~31 s in all.
REPORT_WAITS = (0, 0.2, 0.8, 2, 4, 8, 8, 8)
REGENERATE = ("ReportNotPresent", "ReportExpired")
NOT_READY = REGENERATE + ("ReportInProgress",)
USE_COLUMNS = {"password_last_used": "signed in", "access_key_1_last_used_date": "used access key 1",
               "access_key_2_last_used_date": "used access key 2"}
NOTIFY = "(remediation Clearsight-RootAccountNotify tells the owner)"


def credential_report(iam):
    """The report's CSV text; generated when absent or expired, waited for within REPORT_WAITS."""
    for delay in REPORT_WAITS:
        time.sleep(delay)
        try:
            return iam.get_credential_report()["Content"].decode("utf-8")
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in NOT_READY:
                raise
            if code in REGENERATE:
                iam.generate_credential_report()
    raise ValueError(
        f"The IAM credential report was not ready after {sum(REPORT_WAITS)} s of waiting; "
        "the root user could not be judged. The next run will find it ready."
    )


def root_row(report):
    """The <root_account> row of the report, as {column: value}."""
    for row in csv.DictReader(io.StringIO(report)):
        if row.get("user") == ROOT_USER:
            return row
    raise ValueError("The IAM credential report has no <root_account> row: the root user could not be judged.")


def _date(value):
    """A report timestamp (UTC when it names no zone), or None for N/A, no_information, not_supported."""
    try:
        stamp = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def assess(row, params, now):
    """The rule itself: (compliance, annotation) from root's credential report row at time `now`."""
    keys = [n for n in (1, 2) if row.get(f"access_key_{n}_active") == "true" or _date(row.get(f"access_key_{n}_last_rotated"))]
    if keys:
        return ComplianceType.NON_COMPLIANT, (
            f"Root has access key {' and '.join(map(str, keys))}. Sign in as root and delete root access keys {NOTIFY}."
        )
    since = now - timedelta(days=params["MaxDaysSinceLastUse"])
    uses = sorted((used, what) for column, what in USE_COLUMNS.items() if (used := _date(row.get(column))) and used >= since)
    if uses:
        used, what = uses[-1]
        return ComplianceType.NON_COMPLIANT, (
            f"Root {what} on {used:%Y-%m-%d}, within MaxDaysSinceLastUse ({params['MaxDaysSinceLastUse']} days). "
            f"Find out why and use IAM roles instead {NOTIFY}."
        )
    return ComplianceType.COMPLIANT, f"Root has no access key and was not used in the last {params['MaxDaysSinceLastUse']} days."


class ROOT_ACCOUNT_UNUSED(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, ("MaxDaysSinceLastUse", "ReportingRegion"))
        days = str(rule_parameters.get("MaxDaysSinceLastUse", "")).strip() or "90"
        if not days.isdigit() or not 1 <= int(days) <= 3650:
            raise InvalidParametersError(f"Parameter MaxDaysSinceLastUse must be a whole number of days from 1 to 3650, got {days!r}.")
        return {"MaxDaysSinceLastUse": int(days), "ReportingRegion": parse_reporting_region(rule_parameters)}

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        if not reports_here(event, valid_rule_parameters):
            return []
        row = root_row(credential_report(client_factory.build_client("iam")))
        compliance, annotation = assess(row, valid_rule_parameters, datetime.now(timezone.utc))
        return [Evaluation(compliance, event["accountId"], APPLICABLE_RESOURCES[0], annotation)]


def lambda_handler(event, context):
    my_rule = ROOT_ACCOUNT_UNUSED()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
