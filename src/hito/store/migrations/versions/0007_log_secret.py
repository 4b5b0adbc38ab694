"""Entries, tokens and password hashes are keyed with the service's secret, not in the database.

`log_pending.mac` holds the HMAC of each entry with a key derived from the log's signing
key (`hito.store.logsecret`); the sequencer signs no entry without a valid one, nor one the
tree holds already (a replay: `log_leaf.leaf_hash` gets an index), and keeps such entries
in the new table `log_rejected`. Tokens are stored as an HMAC of their
SHA-256 instead of the SHA-256 itself. `user_account.password_mac` binds each password hash
to its user. The links of alert e-mails (acknowledge, stop) are keyed with it too.

Rows already there are keyed once, here, with the key the migration is given (the server
and `hito db upgrade` load it first): the entries waiting to be sequenced get their MAC,
every token its new digest and every password hash its binding, so nobody has to sign in
again or reset a password; every delivery gets the ack hash of its new link (links in
e-mails sent before are no longer known: acknowledge signed in; stop links come anew
with the next e-mail). What was in the database before this revision is trusted once,
as the log's baseline was in 0003. A database with such rows cannot be upgraded without
the key (an empty one can).

Revision ID: 0007
Revises: 0006
"""

import base64
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.errors import HitoError, Problem
from hito.store.audit import ENTRY_FIELDS, entry_bytes
from hito.store.coltypes import UTCDateTime
from hito.store.logsecret import ServiceSecret

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _secret() -> ServiceSecret | None:
    """The service's secret `hito.store.migrate` was given (None: this process has no key)."""
    config = op.get_context().config
    secret = config.attributes.get("hito_secret") if config is not None else None
    assert secret is None or isinstance(secret, ServiceSecret)
    return secret


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("log_pending") as b:
        b.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    op.create_table(
        "log_rejected",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pending_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=120), nullable=False),
        sa.Column("before_digest", sa.String(length=64), nullable=True),
        sa.Column("after_digest", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.Column("entry_digest", sa.String(length=64), nullable=False),
        sa.Column("rejected_at", sa.DateTime(), nullable=False),
        sa.Column("leaf_idx", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_rejected")),
    )
    with op.batch_alter_table("user_account") as b:
        b.add_column(sa.Column("password_mac", sa.String(length=64), nullable=True))
    with op.batch_alter_table("log_leaf") as b:
        b.create_index("ix_log_leaf_leaf_hash", ["leaf_hash"], unique=False)
    conn = op.get_bind()
    secret = _secret()
    if secret is None:
        _nothing_to_key(conn)
        return
    _key_pending(conn, secret)
    _key_tokens(conn, secret)
    _key_passwords(conn, secret)
    _key_ack_links(conn, secret)


def _nothing_to_key(conn: sa.Connection) -> None:
    """HitoError when rows need the key this migration was not given."""
    found = {
        t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar() or 0
        for t in ("log_pending", "token", "user_account", "delivery")
    }
    if any(found.values()):
        raise HitoError(
            Problem(
                "the database holds %(rows)s: migration 0007 keys them with the log's signing "
                "key, which this process was not given; upgrade with `hito db upgrade` or the "
                "server, where HITO_LOG_KEY_FILE is the key file",
                rows=", ".join(f"{t} ({n})" for t, n in found.items()),
            )
        )


def _key_pending(conn: sa.Connection, secret: ServiceSecret) -> None:
    """Give the entries waiting to be sequenced their MAC."""
    pending = sa.table(
        "log_pending",
        sa.column("id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        *(sa.column(c, sa.String()) for c in ENTRY_FIELDS if c != "at"),
        sa.column("mac", sa.String()),
    )
    macs = [
        {"pid": row.id, "m": secret.entry_mac(entry_bytes(row))}
        for row in conn.execute(sa.select(pending).order_by(pending.c.id))
    ]
    update = sa.update(pending).where(pending.c.id == sa.bindparam("pid"))
    for i in range(0, len(macs), BATCH):
        conn.execute(update.values(mac=sa.bindparam("m")), macs[i : i + BATCH])


def _key_tokens(conn: sa.Connection, secret: ServiceSecret) -> None:
    """Rekey every token's SHA-256 as its HMAC."""
    token = sa.table("token", sa.column("id", sa.Integer()), sa.column("token_hash", sa.String()))
    rows = [
        {"tid": tid, "h": secret.rekey_token_digest(h)}
        for tid, h in conn.execute(sa.select(token.c.id, token.c.token_hash))
    ]
    update = sa.update(token).where(token.c.id == sa.bindparam("tid"))
    for i in range(0, len(rows), BATCH):
        conn.execute(update.values(token_hash=sa.bindparam("h")), rows[i : i + BATCH])


def _key_passwords(conn: sa.Connection, secret: ServiceSecret) -> None:
    """Bind every user's password hash to the user."""
    user = sa.table(
        "user_account",
        sa.column("id", sa.Integer()),
        sa.column("password_hash", sa.String()),
        sa.column("password_mac", sa.String()),
    )
    rows = [
        {"uid": uid, "m": secret.password_mac(uid, h)}
        for uid, h in conn.execute(sa.select(user.c.id, user.c.password_hash))
    ]
    update = sa.update(user).where(user.c.id == sa.bindparam("uid"))
    for i in range(0, len(rows), BATCH):
        conn.execute(update.values(password_mac=sa.bindparam("m")), rows[i : i + BATCH])


def _key_ack_links(conn: sa.Connection, secret: ServiceSecret) -> None:
    """Every delivery's ack hash as the service now makes it (`deliveries.ack_token`).

    Links in e-mails sent before (keyed with the subscription's secret only, which anyone
    reading the database could compute) are no longer known; deliveries not sent yet go
    out with links that work.
    """
    delivery = sa.table(
        "delivery",
        sa.column("id", sa.Integer()),
        sa.column("subscription_id", sa.Integer()),
        sa.column("message_id", sa.String()),
        sa.column("ack_hash", sa.String()),
    )
    sub = sa.table("subscription", sa.column("id", sa.Integer()), sa.column("secret", sa.String()))
    found = conn.execute(
        sa.select(delivery.c.id, delivery.c.message_id, sub.c.secret).join(
            sub, sub.c.id == delivery.c.subscription_id
        )
    )
    rows = []
    for did, message_id, sub_secret in found:
        mac = secret.link_mac(sub_secret, f"ack:{message_id}")
        token = base64.urlsafe_b64encode(mac).decode().rstrip("=")
        rows.append({"did": did, "h": secret.token_digest(token)})
    update = sa.update(delivery).where(delivery.c.id == sa.bindparam("did"))
    for i in range(0, len(rows), BATCH):
        conn.execute(update.values(ack_hash=sa.bindparam("h")), rows[i : i + BATCH])


def _revoke_live(conn: sa.Connection) -> None:
    """Revoke every token not revoked yet (their holders sign in again)."""
    token = sa.table("token", sa.column("revoked_at", sa.DateTime()))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored as naive UTC
    conn.execute(sa.update(token).where(token.c.revoked_at.is_(None)).values(revoked_at=now))


def downgrade() -> None:
    """Revert this revision (rekeyed tokens cannot be undone: they are revoked)."""
    _revoke_live(op.get_bind())
    with op.batch_alter_table("log_leaf") as b:
        b.drop_index("ix_log_leaf_leaf_hash")
    with op.batch_alter_table("user_account") as b:
        b.drop_column("password_mac")
    op.drop_table("log_rejected")
    with op.batch_alter_table("log_pending") as b:
        b.drop_column("mac")
