"""Scan at organization scale: accounts x regions x rules, in a bounded pool, with progress.

accounts.py  which accounts, and a session in each (assume-role, Organizations listing)
regions.py   which regions (`all`: the enabled ones)
plan.py      the jobs: rules x regions x accounts, account-level rules once per account
runner.py    the bounded pool that runs them through evaluate.evaluate_periodic
progress.py  the bar on a terminal
"""
from .accounts import AccountsError, Target, organization_accounts, parse_accounts, targets
from .progress import progress_for
from .regions import ALL, resolve_regions
from .runner import scan_targets

__all__ = ["ALL", "AccountsError", "Target", "organization_accounts", "parse_accounts", "progress_for", "resolve_regions",
           "scan_targets", "targets"]
