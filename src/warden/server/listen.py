"""How uvicorn serves warden: one place, used by `warden serve` and the end-to-end tests.

X-Forwarded-For decides `aws:SourceIp`, which policies may condition on, so it is believed only
from the proxies the operator names; uvicorn's own default would believe any local process.
"""

from __future__ import annotations

from typing import Any

import uvicorn

from warden.config import Settings

__all__ = ["uvicorn_config"]


def uvicorn_config(app: Any, settings: Settings, *, log_level: str = "info") -> uvicorn.Config:
    """The server configuration for `app` under `settings` (warden logs its own access lines)."""
    trusted = settings.forwarded_allow_ips
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )
