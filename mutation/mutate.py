"""`make mutate`: mutation testing of the rules and the engine's judging actions with cosmic-ray.

A test suite is only as good as the bugs it would catch: cosmic-ray flips comparisons, drops
conditions and swaps constants one at a time, and a mutant no test notices is a mistake a future
change could slip in unseen. Not part of `make test` or CI: it takes minutes, not seconds.

cosmic-ray rewrites the source file in place, so each module runs in its own copy of the
checkout (tracked and untracked files, symlinks kept, PYTHONPATH on the copy's src): the
checkout itself is never touched, even when a run is interrupted. Each module is tested by the
tests that judge it, fast ones first, with -x, so a killed mutant costs one short pytest run.

Usage: python mutation/mutate.py [--jobs N] [MODULE_SUBSTRING ...]
Prints the score per module and every surviving mutant (line, operator, diff); exit 1 when a
module is below its bar. MUTATION.md records the scores and the survivors judged equivalent.
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome

ROOT = Path(__file__).resolve().parents[1]
KMS_TESTS = "tests/rules/test_s3_bucket_kms_encryption.py"
PUBLIC_TESTS = "tests/rules/test_s3_bucket_public_access_prohibited.py"
LOGS_TESTS = "tests/rules/test_cloudwatch_log_group_kms_encryption.py"
ACCOUNT_TESTS = "tests/rules/test_s3_account_public_access_blocked.py"

# module -> pytest arguments: the tests that judge it, the fastest first
TARGETS = {
    "rules/_shared/s3_exposure.py": ["--noconftest", "tests/rules/test_s3_exposure.py"],
    "rules/_shared/kms_keys.py": [KMS_TESTS, LOGS_TESTS],
    "rules/_shared/sweep.py": ["tests/rules/test_sweep.py", KMS_TESTS, PUBLIC_TESTS, "-k", "read or denied or throttled or parse or scalar or annotation"],
    "rules/_shared/config_items.py": [KMS_TESTS, PUBLIC_TESTS, "-k", "change or oversized"],
    "rules/_shared/rule_parameters.py": [KMS_TESTS, LOGS_TESTS, ACCOUNT_TESTS, "-k", "parameter or Parameters or bucket_key or account"],
    "rules/_shared/s3_reads.py": [ACCOUNT_TESTS, KMS_TESTS, PUBLIC_TESTS, "-k", "periodic or denied or throttled"],
    "rules/S3_BUCKET_KMS_ENCRYPTION/S3_BUCKET_KMS_ENCRYPTION.py": [KMS_TESTS],
    "rules/S3_BUCKET_PUBLIC_ACCESS_PROHIBITED/S3_BUCKET_PUBLIC_ACCESS_PROHIBITED.py": [PUBLIC_TESTS],
    "rules/CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION/CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION.py": [LOGS_TESTS],
    "rules/S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED/S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED.py": [ACCOUNT_TESTS],
    # issues 9-11: shared pattern and trail code
    "rules/_shared/filter_patterns.py": ["--noconftest", "tests/rules/test_filter_patterns.py"],
    "rules/_shared/event_patterns.py": ["--noconftest", "tests/rules/test_event_patterns.py"],
    "rules/_shared/log_groups.py": ["tests/rules/test_cloudwatch_log_group_retention.py", LOGS_TESTS, "-k", "prefix or exempt or region or pages or sweep or parameters"],
    "rules/_shared/account_scope.py": ["tests/rules/test_account_scope.py", "tests/rules/test_eventbridge_security_event_rules.py", "-k", "account_scope or regional or parameters"],
    "rules/_shared/reporting_region.py": ["tests/rules/test_account_scope.py", "tests/rules/test_root_account_mfa_enabled.py", "-k", "account_scope or reporting or parameters"],
    "rules/_shared/bounded_reads.py": ["--noconftest", "tests/rules/test_bounded_reads.py"],
    "rules/_shared/config_inventory.py": ["tests/rules/test_config_inventory.py", "tests/rules/test_s3_bucket_kms_encryption_inventory.py"],
    "rules/_shared/trails.py": ["tests/rules/test_trails.py", "tests/rules/test_trail_rules_cannot_look.py"],
    "rules/CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED/CLOUDTRAIL_SECURITY_ALARMS_CONFIGURED.py": ["tests/rules/test_cloudtrail_security_alarms_configured.py"],
    # issues 9-11: CloudTrail, flow-log and retention rules
    "rules/ROOT_ACCOUNT_MFA_ENABLED/ROOT_ACCOUNT_MFA_ENABLED.py": ["tests/rules/test_root_account_mfa_enabled.py"],
    "rules/VPC_FLOW_LOGS_ACTIVE/VPC_FLOW_LOGS_ACTIVE.py": ["tests/rules/test_vpc_flow_logs_active.py"],
    "rules/CLOUDTRAIL_S3_DATA_EVENTS_ENABLED/CLOUDTRAIL_S3_DATA_EVENTS_ENABLED.py": ["tests/rules/test_cloudtrail_s3_data_events_enabled.py"],
    "rules/CLOUDWATCH_LOG_GROUP_RETENTION/CLOUDWATCH_LOG_GROUP_RETENTION.py": ["tests/rules/test_cloudwatch_log_group_retention.py"],
    "rules/CLOUDTRAIL_SECURITY_TRAIL_ACTIVE/CLOUDTRAIL_SECURITY_TRAIL_ACTIVE.py": ["tests/rules/test_cloudtrail_security_trail_active.py"],
    "rules/CLOUDTRAIL_LOG_BUCKET_PROTECTED/CLOUDTRAIL_LOG_BUCKET_PROTECTED.py": ["tests/rules/test_cloudtrail_log_bucket_protected.py"],
    # issues 10-11: root, recorder, alerting rules
    "rules/ROOT_ACCOUNT_UNUSED/ROOT_ACCOUNT_UNUSED.py": ["tests/rules/test_root_account_unused.py"],
    "rules/EVENTBRIDGE_SECURITY_EVENT_RULES/EVENTBRIDGE_SECURITY_EVENT_RULES.py": ["tests/rules/test_eventbridge_security_event_rules.py"],
    "rules/CONFIG_RECORDER_ALL_REGIONS/CONFIG_RECORDER_ALL_REGIONS.py": ["tests/rules/test_config_recorder_all_regions.py"],
    "src/clearsight/automation/actions/branch.py": [
        "tests/automation/test_operator_edges.py", "tests/automation/test_control_flow.py", "tests/automation/test_dry_run.py",
    ],
    "src/clearsight/automation/actions/assert_property.py": [
        "tests/automation/test_operator_edges.py", "tests/automation/test_actions.py", "tests/automation/test_dry_run.py",
        "tests/automation/test_runbooks.py",
    ],
}
BAR = 0.90  # issue 16: at least 90% killed per module
TEST_TIMEOUT = 300  # seconds per mutant; a mutant that hangs the tests counts as killed


def copy_checkout(destination):
    """Tracked and untracked (not ignored) files, symlinks as symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source, target = ROOT / name, destination / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


def mutate(module, workdir):
    """Run cosmic-ray on one module in its own copy; returns (module, [(outcome, where, diff)])."""
    copy = workdir / Path(module).stem
    copy_checkout(copy)
    command = shlex.join([sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider",
                          "--timeout", str(TEST_TIMEOUT), *TARGETS[module]])
    config = copy / "cosmic-ray.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {TEST_TIMEOUT + 30}.0\n"
        "excluded-modules = []\n"
        f'test-command = "{command}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    env = dict(os.environ, PYTHONPATH=str(copy / "src"), PYTHONDONTWRITEBYTECODE="1")
    baseline = subprocess.run(shlex.split(command), cwd=copy, env=env, capture_output=True, text=True)
    if baseline.returncode != 0:  # a mutant is "killed" by any failure: the unmutated run must pass
        raise SystemExit(f"{module}: its tests fail before any mutation:\n{baseline.stdout[-2000:]}")
    session = copy / "session.sqlite"
    for step in (["init"], ["exec"]):
        subprocess.run([str(Path(sys.executable).parent / "cosmic-ray"), *step, str(config), str(session)], cwd=copy, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    with use_db(str(session), WorkDB.Mode.open) as db:
        results = [
            (result.test_outcome, f"line {item.mutations[0].start_pos[0]} {item.mutations[0].operator_name}", result.diff)
            for item, result in db.completed_work_items
        ]
    return module, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="modules mutated at once, each in its own copy (default 2)")
    parser.add_argument("only", nargs="*", help="mutate only the modules whose path contains one of these")
    args = parser.parse_args()
    modules = [m for m in TARGETS if not args.only or any(part in m for part in args.only)]
    if not modules:
        parser.error(f"no module matches {args.only}; known: {', '.join(TARGETS)}")
    below = []
    with tempfile.TemporaryDirectory(prefix="clearsight-mutate-") as workdir:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for module, results in pool.map(lambda m: mutate(m, Path(workdir)), modules):
                survivors = [(where, diff) for outcome, where, diff in results if outcome == TestOutcome.SURVIVED]
                score = 1 - len(survivors) / len(results) if results else 1.0
                print(f"{module}: {len(results) - len(survivors)}/{len(results)} killed ({score:.0%})", flush=True)
                for where, diff in survivors:
                    print(f"  SURVIVED {where}\n" + "".join(f"    {line}\n" for line in (diff or "").splitlines()[2:]))
                if score < BAR:
                    below.append(module)
    if below:
        print(f"below {BAR:.0%}: {', '.join(below)}", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
