"""Which proxies warden believes about a client's address (see server/listen.py)."""

from __future__ import annotations

from warden.config import Settings
from warden.server.listen import uvicorn_config


async def _app(scope: object, receive: object, send: object) -> None:  # never called
    raise AssertionError


def test_no_proxy_is_believed_by_default() -> None:
    config = uvicorn_config(_app, Settings.from_environment({}))
    assert config.proxy_headers is False


def test_named_proxies_from_the_environment_or_the_flag() -> None:
    from_env = uvicorn_config(_app, Settings.from_environment({"WARDEN_FORWARDED_ALLOW_IPS": "10.0.0.0/8"}))
    assert from_env.proxy_headers is True and from_env.forwarded_allow_ips == "10.0.0.0/8"
    flag = Settings.from_environment({"WARDEN_FORWARDED_ALLOW_IPS": "10.0.0.0/8"}, forwarded_allow_ips="192.0.2.1")
    assert uvicorn_config(_app, flag).forwarded_allow_ips == "192.0.2.1"


def test_server_listens_where_the_settings_say() -> None:
    config = uvicorn_config(_app, Settings(host="0.0.0.0", port=9090), log_level="warning")
    assert (config.host, config.port, config.access_log) == ("0.0.0.0", 9090, False)
