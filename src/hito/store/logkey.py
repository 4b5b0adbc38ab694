r"""The log's Ed25519 signing key (a PEM file outside the database) and signed tree heads.

A signed tree head says: "the log had `tree_size` entries with Merkle root `root_hash` at
`timestamp`", signed over the text

    hito-log-v1\n<tree_size>\n<timestamp in ms since 1970>\n<root hash, hex>\n

with the server's Ed25519 key; `key_id` is the SHA-256 of the raw public key (hex). One
head is one line of JSON: the form `hito log head` prints and `hito log verify --against`
reads.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hito.errors import HitoError, InputError, Problem
from hito.textfile import read_bytes
from hito.yamlwords import value_kind

PREFIX = "hito-log-v1"


@dataclass(frozen=True)
class SignedHead:
    """A signed tree head (STH)."""

    tree_size: int
    root_hash: str
    timestamp: int  # milliseconds since 1970-01-01 UTC
    key_id: str
    signature: str  # base64

    def message(self) -> bytes:
        """The signed bytes."""
        return f"{PREFIX}\n{self.tree_size}\n{self.timestamp}\n{self.root_hash}\n".encode()

    def line(self) -> str:
        """One line of JSON."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str, where: str = "") -> SignedHead:
        """A head from its JSON line; InputError naming the line and field otherwise."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(  # json's own words are English: say where it stopped instead
                Problem(
                    "%(where)s: not a JSON signed tree head (unreadable from column %(col)s)",
                    where=where,
                    col=exc.colno,
                )
            ) from None
        except RecursionError:  # a head is flat: brackets nested thousands deep are an attack
            raise InputError(
                Problem(
                    "%(where)s: not a JSON signed tree head (%(msg)s)",
                    where=where,
                    msg=Problem("nested too deeply"),
                )
            ) from None
        if not isinstance(data, dict):
            raise InputError(
                Problem(
                    "%(where)s: expected a JSON object, got %(kind)s",
                    where=where,
                    kind=value_kind(data),
                )
            )
        fields = {
            "tree_size": int,
            "root_hash": str,
            "timestamp": int,
            "key_id": str,
            "signature": str,
        }
        for name, kind in fields.items():
            v = data.get(name)
            if not isinstance(v, kind) or isinstance(v, bool):
                raise InputError(
                    Problem(
                        "%(where)s: field %(name)s: expected %(type)s, got %(v)s",
                        where=where,
                        name=repr(name),
                        type=kind.__name__,
                        v=repr(v),
                    )
                )
        if data["tree_size"] < 0:
            raise InputError(
                Problem("%(where)s: field 'tree_size': expected 0 or more", where=where)
            )
        return cls(**{k: data[k] for k in fields})


class LogKey:
    """An Ed25519 key pair (or only the public half, for verifiers)."""

    def __init__(self, private: Any | None, public: Any):
        self.private = private
        self.public = public
        raw = self.public_raw()
        self.key_id = hashlib.sha256(raw).hexdigest()

    def public_raw(self) -> bytes:
        """The 32 raw bytes of the public key."""
        from cryptography.hazmat.primitives import serialization

        return bytes(
            self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )

    def public_pem(self) -> str:
        """The public key as PEM (what the other country and witnesses keep)."""
        from cryptography.hazmat.primitives import serialization

        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def sign(self, *, tree_size: int, root_hash: str, timestamp: int) -> SignedHead:
        """A signed head for a tree."""
        if self.private is None:
            raise HitoError(Problem("this log key has only its public half: it cannot sign"))
        unsigned = SignedHead(tree_size, root_hash, timestamp, self.key_id, "")
        sig = self.private.sign(unsigned.message())
        return SignedHead(
            tree_size, root_hash, timestamp, self.key_id, base64.b64encode(sig).decode()
        )

    def verifies(self, head: SignedHead) -> bool:
        """True when the head's signature is this key's."""
        from cryptography.exceptions import InvalidSignature

        if head.key_id != self.key_id:
            return False
        try:
            self.public.verify(base64.b64decode(head.signature, validate=True), head.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def _pem_of_json(data: bytes, path: Path) -> bytes:
    """The PEM in the JSON that `GET /api/v1/log/key` answers (`public_key_pem`)."""
    try:
        pem = json.loads(data).get("public_key_pem")
    except (ValueError, AttributeError):
        pem = None
    if not isinstance(pem, str):
        raise InputError(
            Problem(
                "%(path)s: not a PEM Ed25519 key, nor the JSON of GET /api/v1/log/key with its "
                "public_key_pem",
                path=path,
            )
        )
    return pem.encode()


def _private_to_owner(path: Path) -> None:
    """InputError when a private key file is readable or writable by group or others (as ssh).

    Windows has no such mode bits (its ACLs decide): there the check is left out.
    """
    if os.name == "nt":
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise InputError(
            Problem(
                "%(path)s: the log's private key is open to other users (mode %(mode)s), "
                "expected 0600 (its owner only): run `chmod 600 %(path)s`",
                path=path,
                mode=f"{mode:04o}",
            )
        )


def signing_key(path: Path, *, create: bool, signer: str | None) -> LogKey:
    """The key a process that writes signs with; InputError when it is not the log's.

    `signer` is the id of the key of the log's newest head, or the one recorded when the
    database was first written (`hito.store.audit.log_signer`).
    A missing file is refused while the log has heads (a new key would be made in its place),
    as is a key other than the signer: what the process wrote would be refused by the
    server's sequencer, and its e-mails' links and webhooks would not be the service's.
    """
    if signer is not None and not path.exists():
        raise InputError(
            Problem(
                "%(path)s: no log signing key, and this database's log is signed with key "
                "%(expected)s: give HITO_LOG_KEY_FILE the key file the server signs with",
                path=path,
                expected=signer,
            )
        )
    key = load_key(path, create=create)
    if signer is not None and key.key_id != signer:
        raise other_key(path, got=key.key_id, expected=signer)
    return key


def other_key(path: Path, *, got: str, expected: str) -> InputError:
    """The error of a key file that is not the one the database's log is keyed with."""
    return InputError(
        Problem(
            "%(path)s holds log key %(got)s, but this database's log is signed with key "
            "%(expected)s: give HITO_LOG_KEY_FILE the key file the server signs with (`hito "
            "log key` prints its id)",
            path=path,
            got=got,
            expected=expected,
        )
    )


def load_key(path: Path, *, create: bool) -> LogKey:
    """The key pair in a PEM file; created (mode 0600) when missing and `create` is true."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not path.exists():
        if not create:
            raise HitoError(
                Problem(
                    "%(path)s: no log signing key; create one with `hito log key` (or set "
                    "HITO_LOG_KEY_CREATE=true)",
                    path=path,
                )
            )
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return LogKey(key, key.public_key())
    data = read_bytes(path)
    if data.lstrip().startswith(b"{"):  # the JSON of GET /api/v1/log/key, saved as it came
        data = _pem_of_json(data, path)
    try:
        if b"PRIVATE KEY" in data:
            _private_to_owner(path)
            private = serialization.load_pem_private_key(data, password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise InputError(Problem("%(path)s: expected an Ed25519 private key", path=path))
            return LogKey(private, private.public_key())
        public = serialization.load_pem_public_key(data)
    except ValueError:  # cryptography's reason names its own FAQ, in English: left out
        raise InputError(
            Problem(
                "%(path)s: not a PEM Ed25519 key; expected the file `hito log key` writes, or "
                "the public key it prints",
                path=path,
            )
        ) from None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(public, Ed25519PublicKey):
        raise InputError(Problem("%(path)s: expected an Ed25519 public key", path=path))
    return LogKey(None, public)
