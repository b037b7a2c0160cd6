"""`clearsight demo`: the main job on the embedded account, as `make demo` runs it."""
import os
import subprocess
import sys


def test_demo_shows_compliant_and_non_compliant_resources():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # the demo needs no AWS setup
    env["COLUMNS"] = "200"
    done = subprocess.run([sys.executable, "-m", "clearsight.cli", "demo"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "COMPLIANT" in done.stdout.replace("NON_COMPLIANT", "")
    assert "NON_COMPLIANT" in done.stdout
    assert "clearsight-demo-sse-s3" in done.stdout
