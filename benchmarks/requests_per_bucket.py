"""Requests and time per bucket: clearsight's S3_BUCKET_KMS_ENCRYPTION vs Cloud Custodian.

Both tools run as users run them (CLI subprocesses) against one loopback moto server seeded
with N buckets, half SSE-S3 and half without default encryption. The server counts every
HTTP request it answers; the result is a ratio measured in one run, on one machine.

    make -C benchmarks s3-requests      (installs c7n into benchmarks/.venv-peers)
"""
import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

CUSTODIAN_POLICY = """\
policies:
  - name: s3-kms-encryption
    resource: aws.s3
    filters:
      - not:
        - type: bucket-encryption
          state: true
          crypto: aws:kms
"""


class RequestCounter(logging.Handler):
    """moto's server logs one werkzeug line per request it answers."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1


def seed(buckets):
    s3 = boto3.client("s3")
    for i in range(buckets):
        s3.create_bucket(Bucket=f"bench-{i:04d}")
        if i % 2:
            s3.put_bucket_encryption(
                Bucket=f"bench-{i:04d}",
                ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            )


def measure(counter, command, env):
    counter.count = 0
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    return counter.count, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=50)
    parser.add_argument("--custodian", required=True, help="path to the custodian executable")
    args = parser.parse_args()

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
        seed(args.buckets)
        with tempfile.TemporaryDirectory() as out:
            policy = Path(out) / "policy.yml"
            policy.write_text(CUSTODIAN_POLICY)
            peer = measure(counter, [args.custodian, "run", "-s", out, "--cache-period", "0", str(policy)], env)
        ours = measure(counter, [str(Path(sys.executable).with_name("clearsight")), "scan", "--rules",
                                 "S3_BUCKET_KMS_ENCRYPTION", "--format", "json"], env)
    finally:
        server.stop()

    print(f"{args.buckets} buckets, one loopback moto server")
    print(f"{'tool':<28}{'requests':>10}{'per bucket':>12}{'seconds':>10}")
    for name, (requests, seconds) in (("cloud custodian 0.9.53", peer), ("clearsight scan", ours)):
        print(f"{name:<28}{requests:>10}{requests / args.buckets:>12.2f}{seconds:>10.2f}")
    print(f"ratio custodian/clearsight: requests {peer[0] / ours[0]:.1f}x, time {peer[1] / ours[1]:.1f}x")


if __name__ == "__main__":
    main()
