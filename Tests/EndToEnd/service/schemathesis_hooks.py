"""Schemathesis hooks for the service run (loaded through SCHEMATHESIS_HOOKS).

The stream endpoint is endless without `count`; a fuzzer's request must end, so every stream
request gets at most 2 batches. Procedural texture pools cost up to 2 s per texture and a cold
pool answers 503 while it warms (tested in test_textured_stages.py), so every clip-carrying request
uses one 2-texture pool (textureCount=2, textureSeed=0, textureDynamics=static): the run
generates 4 textures, not thousands (a walking texture is one texture per frame). Nothing else
is changed."""
import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path == "/v1/stream/{stage}":
        query = dict(case.query or {})
        count = query.get("count")
        if count is None or (isinstance(count, int) and count > 2):
            query["count"] = 2
        case.query = query
    if case.operation.path.startswith(("/v1/clips/", "/v1/batches/", "/v1/stream/")):
        query = dict(case.query or {})
        query["textureCount"] = 2
        query["textureSeed"] = 0
        query["textureDynamics"] = "static"
        case.query = query
