"""The events AWS Config sends a rule's Lambda, built locally.

Shapes follow the AWS Config developer guide (example events): invokingEvent and
ruleParameters are JSON strings; the result token decides whether PutEvaluations is a test.
"""
import json
from datetime import datetime, timezone

LOCAL_RESULT_TOKEN = "clearsight-local"


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _event(rule_name, account, region, parameters, invoking_event, result_token, left_scope=False):
    return {
        "version": "1.0",
        "invokingEvent": json.dumps(invoking_event),
        "ruleParameters": json.dumps(parameters or {}),
        "resultToken": result_token,
        "eventLeftScope": left_scope,
        "executionRoleArn": f"arn:aws:iam::{account}:role/clearsight-config-rule",
        "configRuleArn": f"arn:aws:config:{region}:{account}:config-rule/config-rule-{rule_name.lower()[:20]}",
        "configRuleName": rule_name,
        "configRuleId": f"config-rule-{rule_name.lower()[:20]}",
        "accountId": account,
    }


def scheduled_event(rule_name, account, region, parameters=None, result_token=LOCAL_RESULT_TOKEN):
    invoking = {
        "awsAccountId": account,
        "notificationCreationTime": _now(),
        "messageType": "ScheduledNotification",
        "recordVersion": "1.0",
    }
    return _event(rule_name, account, region, parameters, invoking, result_token)


def change_event(rule_name, configuration_item, parameters=None, result_token=LOCAL_RESULT_TOKEN, left_scope=False):
    """A ConfigurationItemChangeNotification for one item in the Lambda (notification) dialect."""
    invoking = {
        "configurationItemDiff": None,
        "configurationItem": configuration_item,
        "notificationCreationTime": _now(),
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }
    return _event(
        rule_name,
        configuration_item["awsAccountId"],
        configuration_item["awsRegion"],
        parameters,
        invoking,
        result_token,
        left_scope,
    )


def oversized_event(rule_name, account, region, resource_type, resource_id, parameters=None, result_token=LOCAL_RESULT_TOKEN):
    """An OversizedConfigurationItemChangeNotification: only a summary; rdklib fetches the item
    with GetResourceConfigHistory (API dialect, supplementary values as JSON strings)."""
    summary = {
        "changeType": "UPDATE",
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": _now(),
        "configurationStateId": 0,
        "awsAccountId": account,
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_id,
        "awsRegion": region,
    }
    invoking = {
        "configurationItemSummary": summary,
        "s3DeliverySummary": {"s3BucketLocation": None, "errorCode": None, "errorMessage": None},
        "notificationCreationTime": _now(),
        "messageType": "OversizedConfigurationItemChangeNotification",
        "recordVersion": "1.0",
    }
    return _event(rule_name, account, region, parameters, invoking, result_token)
