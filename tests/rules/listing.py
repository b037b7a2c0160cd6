"""S3 ListBuckets paging, which moto lacks (it truncates at MaxBuckets and returns no token).

two_page_listing answers the first ListBuckets with one bucket and a ContinuationToken, the
next with the other bucket, through botocore's real response parsing; it returns the query
strings the rule sent, so a test can check that each request was paginated.
"""
from botocore.awsrequest import AWSResponse


def two_page_listing(session, first, second):
    sent = []

    def answer(params, **_):
        query = dict(params["query_string"])
        sent.append(query)
        if query.get("continuation-token") == "page-2":
            page = {"Buckets": [{"Name": second}]}
        else:
            page = {"Buckets": [{"Name": first}], "ContinuationToken": "page-2"}
        return AWSResponse("https://s3.local", 200, {}, None), page

    session.events.register_first("before-call.s3.ListBuckets", answer)
    return sent
