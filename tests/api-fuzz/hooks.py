"""schemathesis hooks for scripts/api-fuzz: steer most generated requests onto the fuzzed
instance's one site, its one provider and page paths, so the fuzzer reaches validation,
moderation and storage instead of stopping at `unknown_site`. Deterministic (a value's length
decides), so hypothesis can shrink; the rest keep their generated value and test the refusals.
Only strings are steered: a wrong type stays wrong, for the negative checks."""

import ast
import threading

import schemathesis

# CPython before 3.11.8 keeps the AST constructor's recursion depth in state every thread shares
# (gh-106905): two threads parsing at once fail with "SystemError: AST constructor recursion
# depth mismatch". hypothesis parses its lambdas' source to describe strategies, and
# schemathesis runs two workers, so one operation's coverage phase died of it at random. One
# parse at a time is all the fix needs (this machine's Python is 3.11.7).
_parse = ast.parse
_parsing = threading.Lock()


def _parse_alone(*args, **kwargs):
    with _parsing:
        return _parse(*args, **kwargs)


ast.parse = _parse_alone

SITE = "fuzz"
PROVIDER = "forge"


def _site(value):
    return SITE if isinstance(value, str) and len(value) % 4 != 3 else value


def _page(value):
    if isinstance(value, str) and not value.startswith("/") and len(value) % 4 != 3:
        return "/" + value
    return value


def _steer(fields):
    if isinstance(fields, dict):
        if "site" in fields:
            fields["site"] = _site(fields["site"])
        if "uri" in fields:
            fields["uri"] = _page(fields["uri"])
        if isinstance(fields.get("uris"), list):
            fields["uris"] = [_page(uri) for uri in fields["uris"]]
    return fields


@schemathesis.hook
def map_body(context, body):
    return _steer(body)


@schemathesis.hook
def map_query(context, query):
    return _steer(query)


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    provider = path_parameters.get("provider") if isinstance(path_parameters, dict) else None
    if isinstance(provider, str) and len(provider) % 4 != 3:
        path_parameters["provider"] = PROVIDER
    return path_parameters
