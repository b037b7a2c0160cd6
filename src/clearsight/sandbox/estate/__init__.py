"""Seeders: one module per area, each creating resources through public APIs only.

Each returns Seeded entries, so the demo, the closed-loop tests and the CLI tests all know
which resource each rule should find compliant or not, and with which document parameters a
non-compliant one is remediated in this account. A new area adds a module and one line here.
"""
from . import (alerting, config_recorders, log_groups, log_retention, root_account, s3_encryption, s3_public_access,
               trails, vpcs)

SEEDERS = [s3_encryption.seed, log_groups.seed, s3_public_access.seed, trails.seed, vpcs.seed, log_retention.seed,
           root_account.seed, alerting.seed, config_recorders.seed]
