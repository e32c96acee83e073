"""The baseline of bench/server.py: a bare ASGI app that reads a request and answers fixed XML.

It does what any server must (read the body, write a response) and nothing warden adds
(signature checks, decoding, authorization, encoding), on the same uvicorn stack, run like
warden's: no access log, no proxy headers.
"""

from __future__ import annotations

from typing import Any

_BODY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:root</Arn>"
    b"<UserId>111122223333</UserId><Account>111122223333</Account></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>"
)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/xml"), (b"content-length", str(len(_BODY)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": _BODY})
