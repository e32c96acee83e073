"""Model lookups, Java-regex translation, sensitive-value redaction, XML escaping, public names.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html (Password is secret)
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
"""

from __future__ import annotations

import importlib
from xml.etree import ElementTree

import pytest

from warden import protocol
from warden.protocol import (
    REDACTED,
    UnknownService,
    load_service,
    redact_input,
    redact_output,
    sensitive_paths,
    service_for_signing_name,
)
from warden.protocol.patterns import compile_model_pattern
from warden.protocol.xml import XmlWriter


def test_iam_and_sts_metadata() -> None:
    iam = load_service("iam")
    create_user = iam.find_operation("CreateUser")
    assert create_user is not None
    assert (create_user.api_version, create_user.protocol) == ("2010-05-08", "query")
    assert create_user.xml_namespace == "https://iam.amazonaws.com/doc/2010-05-08/"
    assert create_user.result_wrapper == "CreateUserResult"
    sts = load_service("sts")
    assert sts.xml_namespace == "https://sts.amazonaws.com/doc/2011-06-15/"
    assert iam.find_operation("createuser") is None


def test_signing_names_route_to_models() -> None:
    assert service_for_signing_name("access-analyzer").name == "accessanalyzer"
    assert service_for_signing_name("iam") is load_service("iam")
    with pytest.raises(UnknownService):
        service_for_signing_name("s3")
    with pytest.raises(UnknownService):
        load_service("ec2")


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[\w+=,.@-]+", "a_b+c@d.e", "zoë"),
        (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "Ünïcode 東京 ٣", "a{b}"),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", "emoji \U0001f600\t", "bell\x07"),
        (r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", "my-bucket", "my--bucket"),
        (r"(?s).*", "multi\nline", None),
    ],
)
def test_model_patterns_keep_java_semantics(pattern: str, good: str, bad: str | None) -> None:
    compiled = compile_model_pattern(pattern)
    assert compiled.fullmatch(good)
    if bad is not None:
        assert compiled.fullmatch(bad) is None


def test_every_pattern_in_served_models_compiles() -> None:
    for name in protocol.SUPPORTED_SERVICES:
        shapes = load_service(name).model._shape_resolver._shape_map  # the raw model, for a census
        for shape in shapes.values():
            if "pattern" in shape:
                compile_model_pattern(shape["pattern"])


def test_sensitive_paths_come_from_the_model() -> None:
    iam = load_service("iam")
    login = iam.find_operation("CreateLoginProfile")
    key = iam.find_operation("CreateAccessKey")
    assert login is not None and key is not None
    assert sensitive_paths(login.input_shape) == {("Password",)}
    assert sensitive_paths(key.output_shape) == {("AccessKey", "SecretAccessKey")}
    credentials = load_service("sts").find_operation("AssumeRole")
    assert credentials is not None
    assert ("Credentials", "SecretAccessKey") in sensitive_paths(credentials.output_shape)


def test_redaction_replaces_only_secrets_and_copies() -> None:
    iam = load_service("iam")
    login = iam.find_operation("CreateLoginProfile")
    key = iam.find_operation("CreateAccessKey")
    assert login is not None and key is not None
    params = {"UserName": "alice", "Password": "hunter2!"}
    assert redact_input(login, params) == {"UserName": "alice", "Password": REDACTED}
    assert params["Password"] == "hunter2!"
    result = {"AccessKey": {"AccessKeyId": "AKIA", "SecretAccessKey": "s3cr3t", "Status": "Active"}}
    assert redact_output(key, result)["AccessKey"] == {
        "AccessKeyId": "AKIA",
        "SecretAccessKey": REDACTED,
        "Status": "Active",
    }
    get_user = iam.find_operation("GetUser")
    assert get_user is not None
    assert redact_input(get_user, {"UserName": "u"}) == {"UserName": "u"}


def test_xml_writer_escapes_every_value() -> None:
    out = XmlWriter()
    out.start("Root", {"attr": 'a"b<c>&\n'})
    out.element("V", "</V><Injected>&amp;\r\n")
    out.end()
    root = ElementTree.fromstring(out.finish())
    assert root.get("attr") == 'a"b<c>&\n'
    assert root.findtext("V") == "</V><Injected>&amp;\r\n"
    assert root.find("Injected") is None


def test_xml_writer_refuses_unbalanced_documents() -> None:
    out = XmlWriter()
    out.start("Open")
    with pytest.raises(ValueError):
        out.finish()


@pytest.mark.parametrize(
    "module",
    [
        "json_rpc",
        "json_shapes",
        "models",
        "patterns",
        "query",
        "query_reader",
        "query_writer",
        "sensitive",
        "validate",
        "values",
        "xml",
    ],
)
def test_public_names_are_exported(module: str) -> None:
    imported = importlib.import_module(f"warden.protocol.{module}")
    for name in imported.__all__:
        assert hasattr(imported, name), name
    for name in protocol.__all__:
        assert hasattr(protocol, name), name
    assert len(set(protocol.__all__)) == len(protocol.__all__)
