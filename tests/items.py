"""Configuration items in the shape AWS Config sends a Lambda (notification dialect).

Built from ../shared/reference/config-item-shapes.md section 6; each builder takes only what
a test varies. supplementaryConfiguration values are objects here; tests that need the
JSON-string encoding convert them.
"""
ACCOUNT = "123456789012"
REGION = "us-east-1"
CAPTURE_TIME = "2024-05-02T10:20:00.000Z"


def item(resource_type, resource_id, configuration, supplementary=None, arn=None, name=None):
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationStateId": 1714645200000,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": name or resource_id,
        "ARN": arn,
        "awsRegion": REGION,
        "availabilityZone": "Regional",
        "configurationStateMd5Hash": "",
        "resourceCreationTime": "2024-01-15T08:00:00.000Z",
        "tags": {},
        "relatedEvents": [],
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": supplementary or {},
    }


def s3_bucket_item(bucket, sse, bucket_key=False, public_access_block=None, policy=None, acl=None):
    """An AWS::S3::Bucket item; sse=None leaves ServerSideEncryptionConfiguration out entirely."""
    supplementary = {
        "AccessControlList": acl
        or '{"grantSet":null,"grantList":[{"grantee":{"id":"0123abcd","displayName":null},"permission":"FullControl"}],'
        '"owner":{"displayName":null,"id":"0123abcd"},"isRequesterCharged":false}',
        "BucketLoggingConfiguration": {"destinationBucketName": None, "logFilePrefix": None},
        "BucketVersioningConfiguration": {"status": "Off", "isMfaDeleteEnabled": None},
        "IsRequesterPaysEnabled": False,
    }
    if sse is not None:
        supplementary["ServerSideEncryptionConfiguration"] = {
            "rules": [{"applyServerSideEncryptionByDefault": sse, "bucketKeyEnabled": bucket_key}]
        }
    if public_access_block is not None:
        supplementary["PublicAccessBlockConfiguration"] = public_access_block
    if policy is not None:
        supplementary["BucketPolicy"] = {"policyText": policy}
    configuration = {"name": bucket, "owner": {"displayName": None, "id": "0123abcd"}, "creationDate": "2024-01-15T08:00:00.000Z"}
    return item("AWS::S3::Bucket", bucket, configuration, supplementary, arn=f"arn:aws:s3:::{bucket}")


def account_public_access_block_item(block_public_acls=True, ignore_public_acls=True, block_public_policy=True, restrict_public_buckets=True):
    """An AWS::S3::AccountPublicAccessBlock item: resourceId is the account id, no ARN (rdk example CI)."""
    configuration = {
        "blockPublicAcls": block_public_acls,
        "ignorePublicAcls": ignore_public_acls,
        "blockPublicPolicy": block_public_policy,
        "restrictPublicBuckets": restrict_public_buckets,
    }
    return item("AWS::S3::AccountPublicAccessBlock", ACCOUNT, configuration, name=ACCOUNT)
