"""S3 reads the S3 rules share: this region's buckets, the account's Block Public Access."""
from botocore.exceptions import ClientError

from s3_exposure import bpa_flags


# MaxBuckets makes every ListBuckets a paginated request: S3 rejects unpaginated ones in accounts
# whose bucket quota is above 10,000 (S3 user guide, BucketRestrictions). 10,000 is its maximum.
PAGE_SIZE = 10000


def region_buckets(s3):
    """Names of the buckets in the client's region (ListBuckets, BucketRegion filter, paginated)."""
    region = s3.meta.region_name
    pages = s3.get_paginator("list_buckets").paginate(BucketRegion=region, PaginationConfig={"PageSize": PAGE_SIZE})
    return [bucket["Name"] for page in pages for bucket in page["Buckets"]]


def account_block(s3control, account_id):
    """The account's four settings; an account that never set them has them all off."""
    try:
        return bpa_flags(s3control.get_public_access_block(AccountId=account_id)["PublicAccessBlockConfiguration"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        return bpa_flags(None)
