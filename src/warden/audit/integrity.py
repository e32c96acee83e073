"""Tamper evidence for the trail, in the manner of CloudTrail log file integrity validation.

Events are sealed in batches into digests. A digest lists its events (sequence number, event id,
SHA-256 of the stored record) in order, carries the head of a hash chain running through those
events and starting from the previous digest's hash, and is signed with an Ed25519 key derived
from the master key (so every node sharing the master key signs and verifies alike, and nobody
without it can forge a digest). Verification walks every digest and every event and names the
first thing that was changed, removed, inserted or reordered.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from warden.audit.events import record_hash
from warden.audit.wire import trail_time
from warden.auth.secretbox import MasterKey
from warden.model import AuditDigest, StoredAuditEvent
from warden.store import AlreadyExists, Store

__all__ = ["DigestSigner", "Finding", "Verification", "chain_head", "seal_pending", "verify_trail"]

_INFO = b"warden audit digests v1"
_GENESIS = "0" * 64


def chain_head(previous: str, hashes_in_order: Sequence[str]) -> str:
    """h0 = previous digest's hash; h(i) = SHA-256(h(i-1) || event hash(i))."""
    head = previous
    for item in hashes_in_order:
        head = hashlib.sha256(bytes.fromhex(head) + bytes.fromhex(item)).hexdigest()
    return head


class DigestSigner:
    """The Ed25519 key pair of the trail, derived from the master key with HKDF."""

    def __init__(self, master: MasterKey, previous: Sequence[MasterKey] = ()) -> None:
        self._private = _private_key(master)
        self.public_key: Ed25519PublicKey = self._private.public_key()
        self.fingerprint = _fingerprint(self.public_key)
        # Retired master keys verify the digests they signed before a rotation.
        self._verifiers = {
            _fingerprint(key): key for key in [self.public_key, *(_private_key(m).public_key() for m in previous)]
        }

    def sign(self, digest_hash: str) -> str:
        return self._private.sign(bytes.fromhex(digest_hash)).hex()

    def verifies(self, digest_hash: str, signature: str, fingerprint: str | None = None) -> bool:
        """Whether `signature` is the signing key's (or, naming it, a retired key's)."""
        key = self._verifiers.get(fingerprint or self.fingerprint)
        if key is None:
            return False
        try:
            key.verify(bytes.fromhex(signature), bytes.fromhex(digest_hash))
        except (InvalidSignature, ValueError):
            return False
        return True


def _private_key(master: MasterKey) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(master.key.material)
    return Ed25519PrivateKey.from_private_bytes(seed)


def _fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def _canonical(document: object) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def seal_pending(store: Store, signer: DigestSigner, now: datetime, *, batch: int = 5000) -> int:
    """Seal every event not yet sealed, in digests of at most `batch` events; the number of
    events sealed. Safe to run on several nodes at once: the digest number is unique, and the
    node that loses the race simply stops (the winner sealed those events)."""
    sealed = 0
    while True:
        with store.transaction() as tx:
            pending = tx.unsealed_audit_events(batch)
            if not pending:
                return sealed
            last = tx.last_audit_digest()
            previous = last.digest_hash if last else _GENESIS
            number = last.digest_seq + 1 if last else 1
            listed = [[e.seq, e.event.event_id, e.event.record_hash] for e in pending]
            body = _canonical(
                {
                    "digestSeq": number,
                    "created": trail_time(now),
                    "previousDigestHash": previous,
                    "events": listed,
                    "chainHead": chain_head(previous, [item[2] for item in listed]),
                    "signingKey": signer.fingerprint,
                    "algorithm": "SHA256withEd25519",
                }
            )
            digest_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
            digest = AuditDigest(
                digest_seq=number,
                created=now,
                event_count=len(pending),
                body=body,
                digest_hash=digest_hash,
                signature=signer.sign(digest_hash),
            )
            try:
                tx.seal_audit_events(digest, [e.seq for e in pending])
            except AlreadyExists:
                return sealed
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


def _signing_key_of(body: str) -> str | None:
    try:
        value = json.loads(body).get("signingKey")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what kind, and which digest or event (by sequence number and event id)."""

    kind: str  # digest-changed, digest-removed, event-changed, event-removed, event-inserted, event-reordered
    digest_seq: int | None
    event_seq: int | None
    event_id: str | None
    detail: str


@dataclass(slots=True)
class Verification:
    digests: int = 0
    events: int = 0
    unsealed: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


def _check_events(digest: AuditDigest, listed: list[list[object]], stored: list[StoredAuditEvent], out: Verification) -> None:
    by_seq = {e.seq: e for e in stored}
    listed_hashes = {str(item[2]): int(str(item[0])) for item in listed}
    for seq_value, event_id, expected in listed:
        seq = int(str(seq_value))
        event = by_seq.pop(seq, None)
        if event is None:
            out.findings.append(
                Finding("event-removed", digest.digest_seq, seq, str(event_id), "listed in the digest, missing from the trail")
            )
            continue
        out.events += 1
        actual = record_hash(event.event.record)
        if actual == expected and event.event.event_id == event_id:
            continue
        elsewhere = listed_hashes.get(actual)
        if elsewhere is not None and elsewhere != seq:
            out.findings.append(
                Finding("event-reordered", digest.digest_seq, seq, event.event.event_id,
                        f"holds the event the digest places at sequence {elsewhere}")
            )
        else:
            out.findings.append(
                Finding("event-changed", digest.digest_seq, seq, event.event.event_id,
                        "the record differs from the one the digest sealed")
            )
    for seq, event in sorted(by_seq.items()):
        out.findings.append(
            Finding("event-inserted", digest.digest_seq, seq, event.event.event_id, "not listed in the digest it names")
        )


def verify_trail(store: Store, signer: DigestSigner) -> Verification:
    """Check every digest (hash, signature, numbering, chain) and every event against them."""
    out = Verification()
    previous = _GENESIS
    expected_number = 1
    with store.transaction(readonly=True) as tx:
        for digest in tx.audit_digests():
            out.digests += 1
            if digest.digest_seq != expected_number:
                out.findings.append(
                    Finding("digest-removed", expected_number, None, None,
                            f"digests jump from {expected_number - 1} to {digest.digest_seq}")
                )
            expected_number = digest.digest_seq + 1
            body_hash = hashlib.sha256(digest.body.encode("utf-8")).hexdigest()
            if body_hash != digest.digest_hash or not signer.verifies(
                digest.digest_hash, digest.signature, _signing_key_of(digest.body)
            ):
                out.findings.append(
                    Finding("digest-changed", digest.digest_seq, None, None, "hash or signature does not match")
                )
                previous = digest.digest_hash
                continue
            body = json.loads(digest.body)
            listed: list[list[object]] = body["events"]
            if body["previousDigestHash"] != previous:
                out.findings.append(
                    Finding("digest-removed", digest.digest_seq, None, None, "does not chain to the digest before it")
                )
            if chain_head(body["previousDigestHash"], [str(item[2]) for item in listed]) != body["chainHead"]:
                out.findings.append(Finding("digest-changed", digest.digest_seq, None, None, "broken event chain"))
            _check_events(digest, listed, tx.audit_events_of_digest(digest.digest_seq), out)
            previous = digest.digest_hash
        for event in tx.audit_events_with_missing_digest():
            out.findings.append(
                Finding("digest-removed", event.digest_seq, event.seq, event.event.event_id,
                        "the event names a digest that no longer exists")
            )
        for event in tx.unsealed_audit_events(1_000_000):
            out.unsealed += 1
            if record_hash(event.event.record) != event.event.record_hash:
                out.findings.append(
                    Finding("event-changed", None, event.seq, event.event.event_id,
                            "not yet sealed, and its record no longer matches its hash")
                )
    out.findings.sort(key=lambda f: (f.event_seq if f.event_seq is not None else -1, f.digest_seq or 0))
    return out
