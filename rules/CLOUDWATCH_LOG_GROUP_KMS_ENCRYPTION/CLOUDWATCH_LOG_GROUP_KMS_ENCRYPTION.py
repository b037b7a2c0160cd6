"""CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION: every log group is encrypted with an approved, enabled KMS key.

Why: AWS's CLOUDWATCH_LOG_GROUP_ENCRYPTED passes any KMS key unless a single one is named, and
AWS has no runbook to fix a finding. Logs hold the evidence of an incident: they should be under
a key you approve that can still encrypt, and a finding should come with its fix.

Resource type: AWS::Logs::LogGroup (resource id: the log group name, what
Clearsight-LogGroupKmsEncryption takes).
Trigger: periodic only. AWS Config does not record AWS::Logs::LogGroup (absent from the Config
API's ResourceType enum and from rdk's supported_resource_types.yaml), so no configuration
item ever arrives. One run: DescribeLogGroups, paginated (one sweep per LogGroupNamePrefixes
entry, or one of the whole region), then one DescribeKey per distinct key (state, spec,
owner, alias resolution).
Parameters (all optional):
  LogGroupNamePrefixes  comma-separated name prefixes in scope (default: every log group).
  ExemptLogGroupNames   comma-separated exact names reported NOT_APPLICABLE.
  KmsKeyArns            comma-separated key ARNs or alias ARNs the log group key must be one of.
  KeyAccountIds         with KmsKeyArns empty: accounts besides this one whose customer managed
                        keys are accepted (default: this account only).
Scenarios:
  - encrypted with an allowed (or, KmsKeyArns empty, own customer managed), usable key: COMPLIANT
  - no KMS key: NON_COMPLIANT
  - key not in KmsKeyArns; KmsKeyArns empty and a key of another account not in KeyAccountIds
    (or an AWS managed key): NON_COMPLIANT
  - key unusable (disabled, pending deletion, missing, in another region, asymmetric or HMAC,
    not ENCRYPT_DECRYPT): NON_COMPLIANT
  - exempt log group: NOT_APPLICABLE; outside the prefixes: not evaluated
  - deleted log group: NOT_APPLICABLE (rdklib's periodic clean-up of results it no longer finds)
  - bad parameter: InvalidParametersError; the listing denied or throttled out: an error;
    one key unreadable: its log groups NON_COMPLIANT "Could not be read: ...", the others judged
"""
from rdklib import ComplianceType, ConfigRule, Evaluation, Evaluator

from kms_keys import KeyBook, key_is_allowed, not_controlled, unusable
from log_groups import RESOURCE_TYPE, SCOPE_PARAMETERS, exempted, scope_parameters, sweep
from rule_parameters import KMS_KEY_OR_ALIAS_ARN, parse_accounts, parse_csv, reject_unknown
from sweep import judge_each

APPLICABLE_RESOURCES = [RESOURCE_TYPE]
FIX = "Associate an approved KMS key (remediation: Clearsight-LogGroupKmsEncryption)."


def assess(key, params, book, accounts):
    """The rule itself: (compliance, annotation) for a log group whose kmsKeyId is `key` (None: no key).

    book: a KeyBook; accounts: whose customer managed keys count as yours when KmsKeyArns is empty.
    """
    if not key:
        return ComplianceType.NON_COMPLIANT, f"Log group is not encrypted with a KMS key. {FIX}"
    problem = unusable(key, book, "new log events")
    if problem:
        return ComplianceType.NON_COMPLIANT, f"{problem} Enable the key or associate a usable approved key."
    if params["KmsKeyArns"] and not key_is_allowed(key, params["KmsKeyArns"], book):
        return ComplianceType.NON_COMPLIANT, f"Log group is encrypted with {key}, not one of KmsKeyArns. {FIX}"
    foreign = None if params["KmsKeyArns"] else not_controlled(key, book, accounts)
    if foreign:
        return ComplianceType.NON_COMPLIANT, f"Log group key {foreign}. {FIX}"
    return ComplianceType.COMPLIANT, f"Log group is encrypted with {key}."


class CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        reject_unknown(rule_parameters, SCOPE_PARAMETERS + ("KmsKeyArns", "KeyAccountIds"))
        return {
            **scope_parameters(rule_parameters),
            "KmsKeyArns": parse_csv(rule_parameters, "KmsKeyArns", KMS_KEY_OR_ALIAS_ARN, "a KMS key ARN or alias ARN"),
            "KeyAccountIds": parse_accounts(rule_parameters, "KeyAccountIds"),
        }

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        groups, exempt = sweep(client_factory.build_client("logs"), valid_rule_parameters)
        in_scope = {name: group.get("kmsKeyId") for name, group in groups.items()}
        book = KeyBook(client_factory.build_client("kms"))
        accounts = {event["accountId"], *valid_rule_parameters["KeyAccountIds"]}
        return exempted(exempt) + judge_each(
            sorted(in_scope), RESOURCE_TYPE, lambda name: assess(in_scope[name], valid_rule_parameters, book, accounts)
        )


def lambda_handler(event, context):
    my_rule = CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION()
    evaluator = Evaluator(my_rule, APPLICABLE_RESOURCES)
    return evaluator.handle(event, context)
