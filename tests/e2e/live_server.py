"""A live warden server on a free loopback port, in a thread, for end-to-end tests."""

from __future__ import annotations

import asyncio
import configparser
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import uvicorn
from botocore.config import Config
from trail_secrets import assert_no_secrets_in_trail  # type: ignore[import-not-found]

from warden.config import Settings
from warden.server.app import WardenApp
from warden.server.listen import uvicorn_config
from warden.server.pipeline import warm_up
from warden.server.runtime import Runtime
from warden.services import bootstrap

REGION = "us-east-1"
MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    runtime: Runtime
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def endpoint(self) -> str:
        return self.settings.endpoint_url

    def root_keys(self) -> tuple[str, str]:
        parser = configparser.ConfigParser()
        parser.read(self.settings.data_dir / "credentials")
        return parser["default"]["aws_access_key_id"], parser["default"]["aws_secret_access_key"]

    def client(self, service: str, key_id: str, secret: str, region: str = REGION):  # type: ignore[no-untyped-def]
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self) -> None:
        """Stop serving, then check that the trail holds no secret (see trail_secrets.py)."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        try:
            assert_no_secrets_in_trail(self.runtime)
        finally:
            self.runtime.close()


def start_server(
    data_dir: Path,
    *,
    mock: bool = False,
    port: int | None = None,
    database_url: str | None = None,
    master_key: str = MASTER_KEY,
    previous_master_keys: str | None = None,
    forwarded_allow_ips: str | None = None,
) -> LiveServer:
    settings = Settings(
        port=port or free_port(),
        data_dir=data_dir,
        mock=mock,
        master_key_b64=master_key,
        previous_master_keys_b64=previous_master_keys,
        region=REGION,
        database_url=database_url,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    runtime = Runtime.build(settings)
    warm_up()
    if mock:
        runtime.ensure_mock_account()
    else:
        bootstrap.ensure_first_account(
            runtime.store,
            runtime.env.ids,
            runtime.env.secrets,
            runtime.now(),
            data_dir=data_dir,
            endpoint_url=settings.endpoint_url,
            region=REGION,
            account_id="111122223333",
        )
    server = uvicorn.Server(uvicorn_config(WardenApp(runtime), settings, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{settings.endpoint_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError("warden did not start")
    return LiveServer(runtime, server, thread)
