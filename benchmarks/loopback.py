"""What every peer benchmark stands on: one loopback moto server that counts the requests it
answers, and a tool run as users run it (a CLI subprocess) against it."""
import logging
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from moto.server import ThreadedMotoServer


class RequestCounter(logging.Handler):
    """moto's server logs one werkzeug line per request it answers."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1


@contextmanager
def counted_server():
    """(counter, env): a loopback moto server, stopped on exit; env (also set here) points boto3 at it."""
    counter = RequestCounter()
    logging.getLogger("werkzeug").addHandler(counter)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = dict(os.environ, AWS_ENDPOINT_URL=f"http://{host}:{port}", AWS_ACCESS_KEY_ID="bench",
                   AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1")
        os.environ.update(env)
        yield counter, env
    finally:
        server.stop()


def measure(counter, command, env):
    """(requests, seconds) of one run of command; a failed run ends the benchmark."""
    counter.count = 0
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    return counter.count, elapsed


def custodian_and_clearsight(counter, env, custodian, policy, rule):
    """(requests, seconds) of Cloud Custodian running `policy`, then of `clearsight scan --rules rule`."""
    with tempfile.TemporaryDirectory() as out:
        policy_path = Path(out) / "policy.yml"
        policy_path.write_text(policy)
        peer = measure(counter, [custodian, "run", "-s", out, "--cache-period", "0", str(policy_path)], env)
    ours = measure(counter, [str(Path(sys.executable).with_name("clearsight")), "scan", "--rules", rule, "--format", "json"], env)
    return peer, ours
