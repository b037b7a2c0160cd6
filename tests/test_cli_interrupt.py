"""Ctrl-C stops `clearsight`: exit 130, one line on stderr, no traceback, queued work never sent."""
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from clearsight.catalog import FOLDERS, default_root
from tests.terminal import as_from_a_terminal
from tests.test_cli_scan import CLI

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1"]
BUCKETS_PER_REGION = 40
SCAN_WORKERS = 4  # clearsight scan --workers default
READS_PER_SWEEP = 10  # rules/_shared/bounded_reads.py WORKERS
DOCUMENT = "Clearsight-S3EnableKmsEncryption"


@pytest.fixture
def requests_seen(monkeypatch):
    """How many requests the loopback moto server (this process) has answered so far."""
    seen = [0]
    lock = threading.Lock()
    answer = DomainDispatcherApplication.__call__

    def counting(self, environ, start_response):
        with lock:
            seen[0] += 1
        return answer(self, environ, start_response)

    monkeypatch.setattr(DomainDispatcherApplication, "__call__", counting)
    return lambda: seen[0]


def _spawn(*args):
    return subprocess.Popen(as_from_a_terminal(CLI + list(args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, COLUMNS="200"))


def _assert_interrupted(process, when_said=lambda: None):
    """when_said() runs as soon as the interrupted line is on stderr, before the process ends."""
    first = process.stderr.readline()
    when_said()
    stdout, rest = process.communicate(timeout=60)
    stderr = first + rest
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "clearsight: interrupted (Ctrl-C); nothing further was run"]
    return stdout


def test_ctrl_c_stops_a_large_scan(server, requests_seen):
    for region in REGIONS:
        s3 = server.session.client("s3", region_name=region)
        config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        for n in range(BUCKETS_PER_REGION):
            s3.create_bucket(Bucket=f"big-{region}-{n}", **config)
    region_args = [arg for region in REGIONS for arg in ("--region", region)]
    process = _spawn("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION,S3_BUCKET_PUBLIC_ACCESS_PROHIBITED", *region_args)
    started = requests_seen()
    while requests_seen() < started + 60 and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    at_signal = requests_seen()
    at_stop = []
    assert _assert_interrupted(process, when_said=lambda: at_stop.append(requests_seen())) == ""
    # The stop is set before the interrupted line is written; from then on only the calls
    # already past their before-call check (one per reading thread: 4 scan workers x 10 per
    # sweep) may still reach the account. How long the signal takes to be handled depends on
    # the machine's load, so it is not what is bounded here; queued jobs never starting is:
    # ten of the twelve jobs (rule x region) were queued, the whole scan asks for each of the
    # 240 buckets' encryption alone.
    assert requests_seen() - at_stop[0] <= SCAN_WORKERS * READS_PER_SWEEP
    assert requests_seen() - at_signal < len(REGIONS) * BUCKETS_PER_REGION
    assert at_signal - started < len(REGIONS) * BUCKETS_PER_REGION


def _loaded(pid, library):
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except FileNotFoundError:
        return True  # already gone: communicate() will say how it ended


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see the imports start")
def test_ctrl_c_during_start_up_imports():
    process = _spawn("scan", "--format", "json")
    while not _loaded(process.pid, "_ssl"):  # botocore is being imported; click, rich, rdklib come after
        time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    _assert_interrupted(process)


def _sleeping(pid):
    """The process's main thread is in a timed sleep (time.sleep), as /proc/PID/wchan says."""
    try:
        return "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    except FileNotFoundError:
        return True  # already gone: communicate() will say how it ended


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs /proc to see the run sleeping")
def test_ctrl_c_during_a_remediation_step_cancels_the_run(server, tmp_path):
    """The run stops in its step (SSM's Cancelled), the steps so far are shown, exit 130."""
    for folder in FOLDERS:
        shutil.copytree(default_root() / folder, tmp_path / folder, symlinks=True)
    path = tmp_path / "remediation-documents" / f"{DOCUMENT}.yaml"
    document = yaml.safe_load(path.read_text())
    document["mainSteps"].insert(0, {"name": "Wait", "action": "aws:sleep", "inputs": {"Duration": "PT10M"}})
    path.write_text(yaml.safe_dump(document))
    server.session.client("s3").create_bucket(Bucket="slow-plain")
    key = server.session.client("kms").create_key()["KeyMetadata"]["Arn"]
    process = _spawn("remediate", "S3_BUCKET_KMS_ENCRYPTION", "--root", str(tmp_path), "--resource-id", "slow-plain",
                     "--parameter", f"KmsKeyArn={key}",
                     "--parameter", "AutomationAssumeRole=arn:aws:iam::123456789012:role/clearsight-remediation")
    while not _sleeping(process.pid):  # only the document's aws:sleep step sleeps
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout = _assert_interrupted(process)
    assert "Cancelled" in stdout and "the run was cancelled (Ctrl-C) and not evaluated again" in " ".join(stdout.split())
