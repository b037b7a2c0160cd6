"""Session adjustments for accounts reached through a custom endpoint (AWS_ENDPOINT_URL).

botocore's S3 Control endpoint rules put the account id in the host name
(`123456789012.127.0.0.1:5000`), which cannot resolve for a local endpoint such as a moto
server. For hosts outside amazonaws.com that prefix is dropped; real AWS endpoints are left
exactly as botocore builds them.

A stand-in endpoint that lacks an operation answers with an HTML error page, which botocore
puts whole into the error message; error_text() says it in one line instead.
"""
import re

from botocore.exceptions import ClientError

_ACCOUNT_PREFIX = re.compile(r"^(https?://)\d{12}\.(?!.*amazonaws\.com)")
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def error_text(error: Exception) -> str:
    """str(error), except that an HTML page in place of an AWS error becomes one line naming it."""
    message = error.response.get("Error", {}).get("Message", "") if isinstance(error, ClientError) else ""
    if not message.lstrip().startswith("<"):
        return str(error)
    title = _HTML_TITLE.search(message)
    page = title.group(1).strip() if title else "an HTML page"
    return (f"{error.operation_name} was answered with {page!r}, an HTML page instead of an AWS error: "
            "does this endpoint implement the call?")


def _strip_account_prefix(request, **_):
    request.url = _ACCOUNT_PREFIX.sub(r"\1", request.url)


def prepare_session(session):
    """Idempotent: every client the session creates afterwards works against a local endpoint."""
    session.events.register(
        "before-sign.s3-control.*", _strip_account_prefix, unique_id="clearsight-s3control-local-endpoint"
    )
    return session
