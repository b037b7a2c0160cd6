"""What a seeder made: the resource, what its rule should say, how to remediate it here."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Seeded:
    rule: str
    resource_id: str
    expected: str  # COMPLIANT or NON_COMPLIANT
    remediation_parameters: dict = field(default_factory=dict)  # document parameters valid in this account
    after: tuple = ()  # rules whose findings must be remediated first (the CIS alarms need a logging trail)
