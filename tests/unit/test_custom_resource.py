"""The CloudFormation custom-resource adapter answers on the ResponseURL (a real local HTTP server here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from calls_platform.adapters import custom_resource
from tests.fakes.cloudformation import ResponseUrl


@pytest.fixture
def cloudformation() -> Iterator[ResponseUrl]:
    target = ResponseUrl()
    yield target
    target.close()


def test_a_successful_create_sends_success_with_the_works_attributes(cloudformation):
    event = cloudformation.request("Create")
    body = custom_resource.handle(event, lambda: {"Applied": "001_a.sql"}, "pid", "work")
    [sent] = cloudformation.received
    assert (sent.path, sent.content_type) == ("/stack-response?X-Amz-Signature=abc", "")
    assert sent.body == body
    assert sent.body["Status"] == "SUCCESS" and sent.body["Data"] == {"Applied": "001_a.sql"}
    assert sent.body["PhysicalResourceId"] == "pid"
    for echoed in ("StackId", "RequestId", "LogicalResourceId"):
        assert sent.body[echoed] == event[echoed]


def test_a_failure_sends_failed_with_the_reason(cloudformation):
    def broken() -> dict[str, str]:
        raise RuntimeError("002_b.sql failed: syntax error" + "!" * 2000)

    custom_resource.handle(cloudformation.request("Update"), broken, "pid", "migrations")
    [sent] = cloudformation.received
    assert sent.body["Status"] == "FAILED"
    assert sent.body["Reason"].startswith("migrations failed: 002_b.sql failed: syntax error")
    assert len(sent.body["Reason"]) == custom_resource.MAX_REASON_CHARS


def test_a_delete_does_no_work_and_succeeds(cloudformation):
    def must_not_run() -> dict[str, str]:
        raise AssertionError("Delete ran the work")

    custom_resource.handle(cloudformation.request("Delete"), must_not_run, "pid", "work")
    [sent] = cloudformation.received
    assert sent.body["Status"] == "SUCCESS" and sent.body["Data"] == {}


def test_only_cloudformation_events_are_requests(cloudformation):
    assert custom_resource.is_request(cloudformation.request("Create"))
    assert not custom_resource.is_request({})
    assert not custom_resource.is_request(None)
