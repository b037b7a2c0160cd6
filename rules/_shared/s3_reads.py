"""S3 reads the S3 rules share: this region's buckets, the account's Block Public Access."""
from botocore.exceptions import ClientError

from s3_exposure import bpa_flags


def region_buckets(s3):
    """Names of the buckets in the client's region (ListBuckets, BucketRegion filter, paginated)."""
    region = s3.meta.region_name
    return [
        bucket["Name"]
        for page in s3.get_paginator("list_buckets").paginate(BucketRegion=region)
        for bucket in page["Buckets"]
    ]


def account_block(s3control, account_id):
    """The account's four settings; an account that never set them has them all off."""
    try:
        return bpa_flags(s3control.get_public_access_block(AccountId=account_id)["PublicAccessBlockConfiguration"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        return bpa_flags(None)
