#!/usr/bin/env python3
"""openapi_check.py SPEC LOG: checks answers against the OpenAPI document SPEC.

LOG has one answer per line: METHOD PATH STATUS BODY-FILE CONTENT-TYPE (the content
type "-" when there was none; it may hold spaces). PATH is found among the
document's paths exactly or through a template (/api/v1/{kind}). HEAD is checked as
GET without its body. For each: the path and method must be in the document
(an unknown path may only get a problem+json 404 or 405), the status must be one the
operation documents, the content type one it documents for that status, and the body
must match its schema (JSON Schema 2020-12, with the document's $refs). Prints one
line per failure and exits 1 if there was any.
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # RefResolver, kept for Debian's jsonschema 4.10
import jsonschema  # noqa: E402

spec = json.load(open(sys.argv[1]))
resolver = jsonschema.RefResolver.from_schema(spec)


def resolve(obj):
    while isinstance(obj, dict) and "$ref" in obj:
        obj = resolver.resolve(obj["$ref"])[1]
    return obj


def path_item(path):
    """The document's item for path (its query string ignored): an exact path, else
    the template with the most literal segments whose {parameters} each stand for one
    non-empty segment."""
    path = path.split("?", 1)[0]
    if path in spec["paths"]:
        return spec["paths"][path]
    segs = path.split("/")
    best, best_literal = {}, -1
    for template, item in spec["paths"].items():
        t = template.split("/")
        if len(t) == len(segs) and all(a == b or (a.startswith("{") and b) for a, b in zip(t, segs)):
            literal = sum(not a.startswith("{") for a in t)
            if literal > best_literal:  # the most specific: /api/v1/webhooks/{id} before /api/v1/{kind}/{id}
                best, best_literal = item, literal
    return best


def check(method, path, status, ctype, body_file):
    body = open(body_file, "rb").read()
    path = path.split("?", 1)[0]  # the query string is the operation's parameters
    head = method == "HEAD"
    op = path_item(path).get("get" if head else method.lower())
    if op is None:
        if status in ("404", "405") and ctype == "application/problem+json":
            schema = spec["components"]["schemas"]["Problem"]
            jsonschema.Draft202012Validator(schema, resolver=resolver).validate(json.loads(body))
            return None
        return f"{method} {path}: not in the document (answered {status})"
    resp = resolve(op["responses"].get(status))
    if resp is None:
        return f"{method} {path}: status {status} is not documented"
    content = resp.get("content")
    if not content:
        return None if not body else f"{method} {path} {status}: a body where none is documented"
    if ctype not in content:  # text/csv; charset=utf-8 is text/csv
        ctype = ctype.split(";", 1)[0].strip()
    if ctype not in content:
        return f"{method} {path} {status}: content type {ctype} is not documented ({', '.join(content)})"
    if head:
        return None if not body else f"{method} {path} {status}: a body in the answer to HEAD"
    schema = content[ctype].get("schema", {})
    value = json.loads(body) if "json" in ctype else body.decode("utf-8")
    try:
        jsonschema.Draft202012Validator(schema, resolver=resolver).validate(value)
    except jsonschema.ValidationError as e:
        return f"{method} {path} {status}: {e.message} at {list(e.absolute_path)}"
    return None


failures = 0
for line in open(sys.argv[2]):
    method, path, status, body_file, ctype = line.rstrip("\n").split(" ", 4)
    error = check(method, path, status, ctype, body_file)
    if error:
        failures += 1
        print(error)
sys.exit(1 if failures else 0)
