"""A local SSM Automation engine: runs schemaVersion 0.3 documents step by step with boto3.

moto has no Automation execution and no other Python tool runs these documents outside AWS;
this one does, against any account a boto3 session reaches (embedded moto or real).

Actions: aws:executeAwsApi, aws:assertAwsResourceProperty, aws:waitForAwsResourceProperty,
aws:branch, aws:executeScript (inline Python), aws:sleep, aws:pause, aws:approve. The other
documented actions (aws:runCommand, aws:createStack ...) load, as AWS accepts them, and fail
their step only when it is reached; script Attachments, PowerShell and {{ssm:...}} in inputs are
refused by load_document before anything runs. A {{ssm:...}} parameter default is read from
Parameter Store in the run's account. `assumeRole` is not assumed: every call uses the caller's
session.
"""

from .document import Document, Step, load_document
from .engine import run_document
from .errors import DocumentError, ParameterError
from .execution import Execution, StepExecution

__all__ = ["Document", "DocumentError", "Execution", "ParameterError", "Step", "StepExecution",
           "load_document", "run_document"]
