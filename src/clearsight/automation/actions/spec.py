"""Every documented Automation action: its inputs and outputs (automation-actions.html).

One source of truth for both `clearsight validate` (which checks any document's steps against
it) and the engine (which runs a subset and says so, naming the action, for the rest).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    required: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()  # exactly one of these is required
    optional: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()  # outputs every such step has, without declaring them
    open_inputs: bool = False  # the remaining inputs are an API's parameters (checked with botocore)

    @property
    def inputs(self) -> frozenset[str]:
        return frozenset(self.required + self.one_of + self.optional)


_API = ("Service", "Api")
_PROPERTY = _API + ("PropertySelector", "DesiredValues")
_STACK_OUTPUTS = ("StackId", "StackStatus", "StackStatusReason")
_IMAGE_OUTPUTS = ("ImageId", "ImageState")

SPECS: dict[str, ActionSpec] = {
    "aws:approve": ActionSpec(("Approvers",), (), ("Message", "MinRequiredApprovals", "NotificationArn"),
                              ("ApprovalStatus", "ApproverDecisions", "Approvers")),
    "aws:assertAwsResourceProperty": ActionSpec(_PROPERTY, open_inputs=True),
    "aws:branch": ActionSpec(("Choices",), (), ("Default", "InputParameters")),
    "aws:changeInstanceState": ActionSpec(("InstanceIds", "DesiredState"), (), ("CheckStateOnly", "Force",
                                                                              "AdditionalInfo")),
    "aws:copyImage": ActionSpec(("SourceImageId", "SourceRegion", "ImageName"), (),
                                ("ImageDescription", "Encrypted", "KmsKeyId", "ClientToken"), _IMAGE_OUTPUTS),
    "aws:createImage": ActionSpec(("InstanceId", "ImageName"), (), ("ImageDescription", "NoReboot",
                                                                    "BlockDeviceMappings"), _IMAGE_OUTPUTS),
    "aws:createStack": ActionSpec(("StackName",), ("TemplateBody", "TemplateURL"), (
        "Capabilities", "ClientRequestToken", "DisableRollback", "NotificationARNs", "OnFailure", "Parameters",
        "ResourceTypes", "RoleARN", "StackPolicyBody", "StackPolicyURL", "Tags", "TerminationProtection",
        "TimeoutInMinutes"), _STACK_OUTPUTS),
    "aws:createTags": ActionSpec(("ResourceIds", "Tags"), (), ("ResourceType",)),
    "aws:deleteImage": ActionSpec(("ImageId",)),
    "aws:deleteStack": ActionSpec(("StackName",), (), ("ClientRequestToken", "RetainResources", "RoleARN")),
    "aws:executeAutomation": ActionSpec(("DocumentName",), (), (
        "DocumentVersion", "MaxConcurrency", "MaxErrors", "RuntimeParameters", "Tags", "TargetLocations",
        "TargetMaps", "TargetParameterName", "Targets"), ("ExecutionId", "Status", "Output")),
    "aws:executeAwsApi": ActionSpec(_API, open_inputs=True),
    "aws:executeScript": ActionSpec(("Runtime", "Handler"), ("Script", "Attachment"), ("InputPayload",),
                                    ("OutputPayload",)),
    "aws:executeStateMachine": ActionSpec(("stateMachineArn",), (), ("input", "name")),
    "aws:invokeLambdaFunction": ActionSpec(("FunctionName",), (), (
        "Qualifier", "InvocationType", "LogType", "ClientContext", "Payload", "InputPayload"),
        ("StatusCode", "FunctionError", "LogResult", "Payload")),
    "aws:invokeWebhook": ActionSpec(("IntegrationName",), (), ("Body",), ("Response", "ResponseCode")),
    "aws:loop": ActionSpec(("Iterators", "Steps"), (), ("IteratorDataType", "LoopCondition", "MaxIterations",
                                                       "NextStep"), ("CurrentIteration", "CurrentIteratorValue")),
    "aws:pause": ActionSpec(),
    "aws:runCommand": ActionSpec(("DocumentName",), (), (
        "InstanceIds", "Targets", "Parameters", "CloudWatchOutputConfig", "Comment", "DocumentHash",
        "DocumentHashType", "DocumentVersion", "NotificationConfig", "OutputS3BucketName", "OutputS3KeyPrefix",
        "OutputS3Region", "ServiceRoleArn", "TimeoutSeconds", "MaxConcurrency", "MaxErrors"),
        ("CommandId", "Status", "ResponseCode", "Output")),
    "aws:runInstances": ActionSpec(("ImageId",), (), (
        "AdditionalInfo", "BlockDeviceMappings", "ClientToken", "DisableApiTermination", "EbsOptimized",
        "IamInstanceProfileArn", "IamInstanceProfileName", "InstanceInitiatedShutdownBehavior", "InstanceType",
        "KernelId", "KeyName", "MaxInstanceCount", "MinInstanceCount", "Monitoring", "NetworkInterfaces",
        "Placement", "PrivateIpAddress", "RamdiskId", "SecurityGroupIds", "SecurityGroups", "SubnetId",
        "TagSpecifications", "UserData"), ("InstanceIds", "InstanceStates")),
    "aws:sleep": ActionSpec((), ("Duration", "Timestamp")),
    "aws:updateVariable": ActionSpec(("Name", "Value")),
    "aws:waitForAwsResourceProperty": ActionSpec(_PROPERTY, open_inputs=True),
}

# aws:executeScript runtimes (automation-action-executeScript.html). Python 3.6-3.8 scripts could not
# be created after 2024-12-04 and stopped running on 2025-02-18; AWS recommends python3.11.
PYTHON_SCRIPT_RUNTIMES = ("python3.9", "python3.10", "python3.11")
RETIRED_SCRIPT_RUNTIMES = ("python3.6", "python3.7", "python3.8")
POWERSHELL_SCRIPT_RUNTIMES = ("PowerShell 7.4",)
SCRIPT_RUNTIMES = PYTHON_SCRIPT_RUNTIMES + POWERSHELL_SCRIPT_RUNTIMES


def runtime_problem(runtime) -> str | None:
    """What is wrong with an executeScript Runtime in AWS's eyes, if anything."""
    if runtime in SCRIPT_RUNTIMES:
        return None
    if runtime in RETIRED_SCRIPT_RUNTIMES:
        return f"{runtime!r} stopped running on 2025-02-18; use python3.11"
    return f"{runtime!r} is not an executeScript runtime; use one of {', '.join(SCRIPT_RUNTIMES)}"
