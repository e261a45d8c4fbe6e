"""The API's error contract: a flat `{"error": <type>, "message": <text>}` with the type's HTTP status."""

import json

STATUS_BY_TYPE = {
    "validation_error": 400,
    "unauthorized": 401,
    "invalid_credentials": 401,
    "call_termination_failed": 403,
    "call_answer_failed": 403,
    "forbidden": 403,
    "destination_not_allowed": 403,
    "not_found": 404,
    "call_not_found": 404,
    "method_not_allowed": 405,
    "user_already_exists": 409,
    "call_already_ended": 409,
    "call_already_answered": 409,
    "request_in_progress": 409,
    "call_in_progress": 409,
    "payload_too_large": 413,
    "uri_too_long": 414,
    "unsupported_media_type": 415,
    "idempotency_key_reused": 422,
    "too_many_requests": 429,
    "headers_too_large": 431,
    "daily_minutes_exceeded": 429,
    "internal_error": 500,
    "configuration_error": 500,
    "call_initiation_failed": 503,
    "service_unavailable": 503,
    "voip_not_configured": 503,
}


def error_body(error_type: str, message: str) -> str:
    return json.dumps({"error": error_type, "message": message})


def status_of(error_type: str) -> int:
    return STATUS_BY_TYPE.get(error_type, 500)
