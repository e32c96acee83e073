"""Policy variables, escapes and defaults.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from warden.policy.variables import SegmentKind, compile_template, has_variables


def test_substitutes_case_insensitive_key() -> None:
    template = compile_template("home/${AWS:UserName}/")
    assert template.keys == frozenset({"aws:username"})
    assert template.render({"aws:username": "alice"}) == "home/alice/"


def test_tag_and_federated_keys() -> None:
    template = compile_template("${aws:PrincipalTag/team}-${saml:sub}")
    assert template.render({"aws:principaltag/team": "red", "saml:sub": "u1"}) == "red-u1"
    assert template.keys == frozenset({"aws:principaltag/team", "saml:sub"})


def test_missing_value_renders_none() -> None:
    assert compile_template("x/${aws:username}").render({}) is None
    assert compile_template("x/${aws:username}").render_regex({}) is None


def test_default_value() -> None:
    template = compile_template("${aws:userid, 'anonymous'}")
    assert template.render({}) == "anonymous"
    assert template.render({"aws:userid": "AIDA1"}) == "AIDA1"


def test_default_with_doubled_quote_and_spaces() -> None:
    template = compile_template("${ aws:username , 'it''s' }")
    assert template.render({}) == "it's"


def test_multivalued_key_is_not_substituted() -> None:
    """Multivalued keys cannot be variables (reference_policies_condition-single-vs-multi-valued-context-keys.html)."""
    assert compile_template("${aws:TagKeys}").render({"aws:tagkeys": ("a", "b")}) is None
    assert compile_template("${aws:TagKeys, 'none'}").render({"aws:tagkeys": ("a",)}) == "none"


def test_escapes_are_literal_characters() -> None:
    template = compile_template("a${*}b${?}c${$}d")
    assert template.is_static
    assert template.render({}) == "a*b?c$d"
    assert [s.kind for s in template.segments].count(SegmentKind.LITERAL) == 3
    # Literal characters are escaped for wildcard matching, policy text wildcards are not.
    assert template.render_regex({}) == r"a\*b\?c\$d"
    assert compile_template("a*${*}").render_regex({}) == r"a.*\*"


def test_substituted_values_are_escaped_for_regex() -> None:
    assert compile_template("${k}*").render_regex({"k": "a.b*"}) == r"a\.b\*.*"


def test_variables_disabled_leaves_text() -> None:
    template = compile_template("${aws:username}", variables_enabled=False)
    assert template.is_static and template.render({"aws:username": "x"}) == "${aws:username}"


def test_malformed_variables_stay_literal() -> None:
    for text in ("${", "${}", "${aws:username", "${a, b}", "$aws:username"):
        template = compile_template(text)
        assert template.is_static
        assert template.render({"a": "x", "aws:username": "x"}) == text
        assert not has_variables(text)


def test_has_variables() -> None:
    assert has_variables("arn:aws:s3:::b/${aws:username}")
    assert has_variables("${*}")
    assert not has_variables("arn:aws:s3:::b/*")
