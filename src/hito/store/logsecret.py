"""The service's secret, derived from the log's signing key: MACs of entries, tokens, passwords.

(And of the links in alert e-mails: acknowledging, stopping; of what each queued alert
delivery says; the sealing of the webhook signing secrets the database keeps; and the
dashboard's CSRF tokens, bound to their session.)

Whoever can write the database but not read the key file cannot compute these, so cannot
queue an entry the sequencer will sign, store a bearer token the service will accept, nor
give a user a password hash of their own (each hash is bound to its user by a MAC).
Each use has its own key, HKDF-SHA256 over the Ed25519 private key's 32 raw bytes with a
fixed label: nothing new to keep beside the key file, and nothing of it in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from hito.errors import HitoError, Problem
from hito.store.logkey import LogKey

SESSION_INFO = "hito_secret"  # where `Database.session()` puts it in `Session.info`
_PENDING = b"hito-log-pending-mac-v1"
_TOKENS = b"hito-token-digest-v1"
_PASSWORDS = b"hito-password-binding-v1"
_LINKS = b"hito-link-token-v1"
_WEBHOOKS = b"hito-webhook-secret-seal-v1"
_DELIVERIES = b"hito-delivery-mac-v1"
_CSRF = b"hito-csrf-token-v1"
SEALED = "whenc1_"  # how a sealed signing secret begins (a plain one begins `whsec_`)


def _derive(seed: bytes, label: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(seed)


@dataclass(frozen=True, repr=False)
class ServiceSecret:
    """The keys derived from the log key (never printed: no repr of their bytes)."""

    pending_key: bytes
    token_key: bytes
    password_key: bytes
    link_key: bytes
    seal_key: bytes
    delivery_key: bytes
    csrf_key: bytes

    def __repr__(self) -> str:
        return "ServiceSecret(…)"

    @classmethod
    def of(cls, key: LogKey) -> ServiceSecret:
        """The secret of a key pair; HitoError for a key with only its public half."""
        from cryptography.hazmat.primitives import serialization

        if key.private is None:
            raise HitoError(
                Problem(
                    "this log key has only its public half: the service's entries and tokens "
                    "need its private key file"
                )
            )
        seed = key.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        labels = (_PENDING, _TOKENS, _PASSWORDS, _LINKS, _WEBHOOKS, _DELIVERIES, _CSRF)
        return cls(*(_derive(seed, label) for label in labels))

    def entry_mac(self, entry: bytes) -> str:
        """HMAC-SHA256 of a pending entry's canonical bytes (those its leaf hash covers), hex."""
        return hmac.digest(self.pending_key, entry, "sha256").hex()

    def entry_ok(self, entry: bytes, mac: str | None) -> bool:
        """True when `mac` is this secret's MAC of the entry (compared in constant time)."""
        return mac is not None and hmac.compare_digest(self.entry_mac(entry), mac)

    def token_digest(self, token: str) -> str:
        """What is stored of a bearer token: HMAC-SHA256 over its SHA-256 (hex).

        Over the SHA-256, not the token, so tokens stored before as their plain SHA-256
        could be rekeyed without knowing them (migration 0007).
        """
        return self.rekey_token_digest(hashlib.sha256(token.encode()).hexdigest())

    def rekey_token_digest(self, sha256_hex: str) -> str:
        """The stored digest of a token whose plain SHA-256 (hex) is given."""
        return hmac.new(self.token_key, sha256_hex.encode(), hashlib.sha256).hexdigest()

    def password_mac(self, user_id: int, password_hash: str) -> str:
        """HMAC-SHA256 binding a stored password hash to its user (hex)."""
        data = f"{user_id}\n{password_hash}".encode()
        return hmac.new(self.password_key, data, hashlib.sha256).hexdigest()

    def password_bound(self, user_id: int, password_hash: str, mac: str | None) -> bool:
        """True when the hash was stored for this user by the service (not swapped in by SQL)."""
        return mac is not None and hmac.compare_digest(
            self.password_mac(user_id, password_hash), mac
        )

    def link_mac(self, subscription_secret: str, what: str) -> bytes:
        """The MAC of an e-mail link (`ack:<message id>`, `stop:<subscription id>`).

        Keyed with the subscription's secret (in the database) and this secret (not): whoever
        reads or writes the database cannot make a link the service accepts.
        """
        key = hmac.digest(self.link_key, subscription_secret.encode(), "sha256")
        return hmac.digest(key, what.encode(), "sha256")

    def delivery_mac(self, delivery: bytes) -> str:
        """HMAC-SHA256 of what a queued delivery says (`hito.store.deliverybytes`), hex."""
        return hmac.digest(self.delivery_key, delivery, "sha256").hex()

    def delivery_ok(self, delivery: bytes, mac: str | None) -> bool:
        """True when `mac` is this secret's MAC of the delivery (compared in constant time)."""
        return mac is not None and hmac.compare_digest(self.delivery_mac(delivery), mac)

    def csrf_token(self, session_token: str) -> str:
        """The CSRF token of a dashboard session: an HMAC of its session token (base64url).

        Bound to the session: a token read in another session (a shared phone's previous
        user's, one planted with a cookie) is not this one's, and nobody computes it without
        the key.
        """
        mac = hmac.digest(self.csrf_key, b"session\0" + session_token.encode(), "sha256")
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def seal(self, signing_secret: str, subscription_id: int) -> str:
        """A subscription's signing secret (`whsec_…`) as stored: AES-GCM, bound to its row.

        Whoever reads the database cannot sign a webhook its receiver would take for the
        service's; a sealed secret copied to another subscription does not open there.
        ValueError for a secret that is not `whsec_` and 32 bytes in canonical base64 (hito
        makes no other; sealed, a longer one would not fit the column, String(100)).
        """
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.b64decode(signing_secret.removeprefix("whsec_"), validate=True)
        if "whsec_" + base64.b64encode(raw).decode() != signing_secret or len(raw) != 32:
            raise ValueError("not a whsec_ secret of 32 bytes in canonical base64")
        nonce = os.urandom(12)
        box = AESGCM(self.seal_key).encrypt(nonce, raw, _bound(subscription_id))
        return SEALED + base64.urlsafe_b64encode(nonce + box).decode()

    def unseal(self, stored: str, subscription_id: int) -> str | None:
        """The signing secret of a stored one, or None when it is not one this key sealed."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not stored.startswith(SEALED):
            return None
        try:
            data = base64.urlsafe_b64decode(stored.removeprefix(SEALED))
            raw = AESGCM(self.seal_key).decrypt(data[:12], data[12:], _bound(subscription_id))
        except (ValueError, InvalidTag):
            return None
        return "whsec_" + base64.b64encode(raw).decode()


def _bound(subscription_id: int) -> bytes:
    """What a sealed secret is bound to: its subscription's row."""
    return f"subscription:{subscription_id}".encode()


def of_session(session: Any) -> ServiceSecret:
    """The secret of the database a session belongs to; HitoError when none was given it."""
    secret = session.info.get(SESSION_INFO)
    if secret is None:
        raise HitoError(
            Problem(
                "this process was not given the log's signing key (HITO_LOG_KEY_FILE): it cannot "
                "write entries to the log nor issue or check tokens"
            )
        )
    assert isinstance(secret, ServiceSecret)
    return secret
