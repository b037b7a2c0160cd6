"""Deployment: the rdklib layer, rule stacks via rdk, documents, conformance packs, Organization rollout.

Every command builds its calls through one `Deployer`, so `--plan` shows exactly the calls a
real run would make, in order, with parameters validated by botocore, and sends only reads.
"""
from .steps import Deployer, DeployError, InputError, Step

__all__ = ["Deployer", "DeployError", "InputError", "Step"]
