"""A stand-in endpoint that lacks an operation answers with an HTML page: the error says so in one line."""
import botocore.session
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from clearsight.endpoints import error_text

PAGE = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n")


def _error_as_botocore_raises_it(status, body, operation="AssociateKmsKey"):
    """The ClientError botocore raises for this HTTP answer (its own parser, as a moto_server answer goes)."""
    model = botocore.session.get_session().get_service_model("logs").operation_model(operation)
    parsed = create_parser("json").parse({"status_code": status, "headers": {}, "body": body}, model.output_shape)
    return ClientError(parsed, operation)


def test_html_error_page_is_one_line():
    message = error_text(_error_as_botocore_raises_it(500, PAGE))
    assert message == ("AssociateKmsKey was answered with '500 Internal Server Error', an HTML page instead of an "
                       "AWS error: does this endpoint implement the call?")


def test_aws_errors_are_left_as_botocore_says_them():
    error = _error_as_botocore_raises_it(400, b'{"__type": "ResourceNotFoundException", "message": "no group"}')
    assert error_text(error) == str(error) and "ResourceNotFoundException" in error_text(error)
