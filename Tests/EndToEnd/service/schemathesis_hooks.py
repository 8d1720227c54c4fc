"""Schemathesis hooks for the service run (loaded through SCHEMATHESIS_HOOKS).

The stream endpoint is endless without `count`; a fuzzer's request must end, so every stream
request gets at most 2 batches. Nothing else is changed."""
import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path == "/v1/stream/{stage}":
        query = dict(case.query or {})
        count = query.get("count")
        if count is None or (isinstance(count, int) and count > 2):
            query["count"] = 2
        case.query = query
