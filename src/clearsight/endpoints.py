"""Session adjustments for accounts reached through a custom endpoint (AWS_ENDPOINT_URL).

botocore's S3 Control endpoint rules put the account id in the host name
(`123456789012.127.0.0.1:5000`), which cannot resolve for a local endpoint such as a moto
server. For hosts outside amazonaws.com that prefix is dropped; real AWS endpoints are left
exactly as botocore builds them.
"""
import re

_ACCOUNT_PREFIX = re.compile(r"^(https?://)\d{12}\.(?!.*amazonaws\.com)")


def _strip_account_prefix(request, **_):
    request.url = _ACCOUNT_PREFIX.sub(r"\1", request.url)


def prepare_session(session):
    """Idempotent: every client the session creates afterwards works against a local endpoint."""
    session.events.register(
        "before-sign.s3-control.*", _strip_account_prefix, unique_id="clearsight-s3control-local-endpoint"
    )
    return session
