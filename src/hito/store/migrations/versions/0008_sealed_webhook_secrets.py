"""Webhook signing secrets are kept sealed with the service's secret, not readable in the database.

`subscription.secret` held each subscriber's Standard Webhooks secret as given to them, so
whoever could read the database could sign a webhook its receiver would take for the
service's (a false alert). It now holds the secret sealed with AES-GCM under a key derived
from the log's signing key and bound to its row (`hito.store.logsecret.ServiceSecret.seal`).
The secrets already given are sealed here as they are, so no receiver has to change its
secret; the links of alert e-mails stay keyed with the same secret and keep working. A
value that is not a `whsec_` secret of 32 bytes in canonical base64 (hito makes no other;
one put in by hand could sign nothing, or sealed would not fit the column) is left as it is:
its webhooks fail, saying so. A database with subscriptions cannot be upgraded (nor
downgraded) without the key, nor with another key than the one its rows are keyed with
(`hito.store.logclaim.check_migration_key`): the downgrade would leave every secret sealed,
the upgrade seal them with a key the server does not have.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hito.errors import HitoError, Plural
from hito.store.logclaim import check_migration_key
from hito.store.logsecret import ServiceSecret

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUB = sa.table("subscription", sa.column("id", sa.Integer()), sa.column("secret", sa.String()))


def _secret(conn: sa.Connection) -> ServiceSecret | None:
    """The service's secret `hito.store.migrate` was given; HitoError if rows need it and none."""
    secret = check_migration_key(conn, "0008", op.get_context().config)  # another key: refused
    n = conn.execute(sa.select(sa.func.count()).select_from(_SUB)).scalar() or 0
    if secret is None and n:
        raise HitoError(
            Plural(
                "the database holds %(n)s subscription: migration 0008 seals its signing secret "
                "with the log's signing key, which this process was not given; upgrade with "
                "`hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file",
                "the database holds %(n)s subscriptions: migration 0008 seals their signing "
                "secrets with the log's signing key, which this process was not given; upgrade "
                "with `hito db upgrade` or the server, where HITO_LOG_KEY_FILE is the key file",
                n,
                n=n,
            )
        )
    return secret


def _rewrite(conn: sa.Connection, rows: list[dict[str, object]]) -> None:
    update = sa.update(_SUB).where(_SUB.c.id == sa.bindparam("sid"))
    if rows:
        conn.execute(update.values(secret=sa.bindparam("s")), rows)


def upgrade() -> None:
    """Seal every subscription's signing secret."""
    conn = op.get_bind()
    secret = _secret(conn)
    if secret is None:
        return
    rows = []
    for sid, plain in conn.execute(sa.select(_SUB.c.id, _SUB.c.secret)).all():
        try:
            rows.append({"sid": sid, "s": secret.seal(plain, sid)})
        except ValueError:  # not one hito made (nor one that could sign): left as it is
            continue
    _rewrite(conn, rows)


def downgrade() -> None:
    """Put every signing secret back as it was given (one that does not open stays as it is)."""
    conn = op.get_bind()
    secret = _secret(conn)
    if secret is None:
        return
    rows = []
    for sid, stored in conn.execute(sa.select(_SUB.c.id, _SUB.c.secret)).all():
        plain = secret.unseal(stored, sid)
        if plain is not None:
            rows.append({"sid": sid, "s": plain})
    _rewrite(conn, rows)
