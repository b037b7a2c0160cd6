"""GOOD_RULE: the smallest rule `clearsight validate` passes (a fixture for its tests).

Resource type: AWS::S3::Bucket. Trigger: periodic. Parameters: Mode (strict|lenient, optional).
"""
from rdklib import ConfigRule, Evaluator

from good_parameters import parse_mode


class GOOD_RULE(ConfigRule):
    def evaluate_parameters(self, rule_parameters):
        return {"Mode": parse_mode(rule_parameters)}

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        return []


def lambda_handler(event, context):
    return Evaluator(GOOD_RULE(), ["AWS::S3::Bucket"]).handle(event, context)
