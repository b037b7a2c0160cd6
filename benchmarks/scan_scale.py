"""clearsight scan beside Cloud Custodian and Prowler: requests, wall time, peak memory.

The same four checks (bucket default encryption with KMS, bucket public access, the account's
S3 Block Public Access, log group KMS encryption), as users run each tool (a CLI subprocess),
against one loopback moto server seeded with N buckets and N/20 log groups. The server counts
every HTTP request it answers. Tools alternate (the order rotates every repeat) so that neither
always runs on a warm or a cold machine; the report gives each tool's median.

    make -C benchmarks bench        (installs the peers in their own venvs under benchmarks/)
"""
import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

from clearsight.endpoints import prepare_session
from loopback import RequestCounter

RULES = "S3_BUCKET_KMS_ENCRYPTION,S3_BUCKET_PUBLIC_ACCESS_PROHIBITED,S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED,CLOUDWATCH_LOG_GROUP_KMS_ENCRYPTION"
PROWLER_CHECKS = ["s3_bucket_kms_encryption", "s3_bucket_public_access", "s3_account_level_public_access_blocks",
                  "cloudwatch_log_group_kms_encryption_enabled"]
# Custodian's account check (aws.account s3-public-block: one request) is left out: its botocore
# puts the account id in the S3 Control host name, which a local endpoint cannot resolve.
CUSTODIAN_POLICY = """\
policies:
  - name: s3-kms-encryption
    resource: aws.s3
    filters:
      - not:
        - type: bucket-encryption
          state: true
          crypto: aws:kms
  - name: s3-public
    resource: aws.s3
    filters:
      - or:
        - type: global-grants
        - type: has-statement
          statements:
            - Effect: Allow
              Principal: "*"
  - name: log-group-kms
    resource: aws.log-group
    filters:
      - kmsKeyId: absent
"""
PUBLIC_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}


def seed(session, buckets):
    """N buckets: a third unencrypted, a third SSE-S3, a third SSE-KMS; every tenth public."""
    s3, kms, logs = (session.client(name) for name in ("s3", "kms", "logs"))
    key = kms.create_key()["KeyMetadata"]["Arn"]

    def bucket(i):
        name = f"bench-{i:05d}"
        s3.create_bucket(Bucket=name)
        if i % 3:
            default = {"SSEAlgorithm": "AES256"} if i % 3 == 1 else {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
        if i % 10 == 0:
            policy = dict(PUBLIC_POLICY, Statement=[dict(PUBLIC_POLICY["Statement"][0], Resource=f"arn:aws:s3:::{name}/*")])
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bucket, range(buckets)))
    for i in range(max(1, buckets // 20)):
        logs.create_log_group(logGroupName=f"/bench/{i:05d}", **({"kmsKeyId": key} if i % 2 else {}))


def measure(counter, command, env):
    """(requests, seconds, peak RSS in MiB) of one subprocess run."""
    counter.count = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):  # 1 (clearsight findings), 3 (prowler findings) are results
        sys.exit(f"{command[0]} exited {code}:\n{stderr.decode()[-3000:]}")
    return counter.count, elapsed, usage.ru_maxrss / 1024


def tools(args, out):
    policy = Path(out) / "custodian.yml"
    policy.write_text(CUSTODIAN_POLICY)
    found = {"clearsight": [str(Path(sys.executable).with_name("clearsight")), "scan", "--rules", RULES, "--format", "json"]}
    if args.custodian:
        found[f"custodian {args.custodian_version}"] = [args.custodian, "run", "-s", f"{out}/c7n", "--cache-period", "0", str(policy)]
    if args.prowler:
        found[f"prowler {args.prowler_version}"] = [args.prowler, "aws", "--checks", *PROWLER_CHECKS, "-f", "us-east-1",
                                                    "-M", "csv", "-o", f"{out}/prowler", "-b", "--no-color"]
    return found


def reset(url):
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--custodian", help="path to the custodian executable")
    parser.add_argument("--custodian-version", default="0.9.53")
    parser.add_argument("--prowler", help="path to the prowler executable")
    parser.add_argument("--prowler-version", default="5.46.0")
    args = parser.parse_args()

    counter = RequestCounter()
    logging.getLogger("werkzeug").addHandler(counter)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    env = dict(os.environ, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", COLUMNS="200")
    env.pop("AWS_PROFILE", None)
    os.environ.update(env)
    print("| buckets | tool | requests (per bucket) | seconds | peak MiB | time vs clearsight |")
    print("|---|---|---|---|---|---|")
    try:
        for buckets in args.buckets:
            reset(url)
            seed(prepare_session(boto3.Session(region_name="us-east-1")), buckets)
            with tempfile.TemporaryDirectory() as out:
                commands = tools(args, out)
                runs = {name: [] for name in commands}
                names = list(commands)
                for repeat in range(args.repeats):
                    order = names[repeat % len(names):] + names[: repeat % len(names)]
                    for name in order:
                        runs[name].append(measure(counter, commands[name], env))
                        print(f"run {repeat + 1}: {buckets} buckets, {name}: {runs[name][-1]}", file=sys.stderr, flush=True)
            medians = {name: [statistics.median(r[i] for r in results) for i in range(3)] for name, results in runs.items()}
            ours = medians["clearsight"][1]
            for name, (requests, seconds, memory) in medians.items():
                print(f"| {buckets:,} | {name} | {requests:,.0f} ({requests / buckets:.2f}) | {seconds:.1f} | {memory:.0f} "
                      f"| {seconds / ours:.1f}x |", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
