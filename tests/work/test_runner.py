"""Which failures of queued work are tried again."""

import pytest
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError
from django.db import OperationalError

from microcred.work.runner import is_transient


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9/bucket"),
        ConnectionClosedError(endpoint_url="http://127.0.0.1:9/bucket"),
        FileNotFoundError("exports/plan.pdf"),
    ],
    ids=["database unreachable", "bucket unreachable", "bucket hung up", "file not there yet"],
)
def test_an_unreachable_database_or_storage_is_tried_again(error):
    assert is_transient(error)


def test_an_error_in_the_content_is_not_tried_again():
    assert not is_transient(ValueError("no items in the file"))
