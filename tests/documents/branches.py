"""IAM actions of document branches the seeded estate cannot walk.

One account is one state: Clearsight-CloudTrailSecurityTrail repairs the seeded account's trail,
so its create branch (no trail of its own, no log bucket) never runs in the closed loop. The
closed loop adds these actions to what the seeded runs needed before comparing with the
document's policy; tests/documents/test_cloudtrail_security_trail.py runs that branch on an
empty account and asserts it needs exactly these actions, so each one is still proven.
"""
UNSEEDED_BRANCHES = {
    "Clearsight-CloudTrailSecurityTrail": {
        "cloudtrail:CreateTrail", "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:DescribeTrails", "cloudtrail:StartLogging",
        "s3:ListBucket", "s3:CreateBucket", "s3:PutBucketOwnershipControls", "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutBucketPolicy",
    },
}
