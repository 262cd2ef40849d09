"""security: server-side invitee sessions; outbox bodies encrypted at rest

Revision ID: i12a_security
Revises: i11_logistics
Create Date: 2026-12-03 08:20:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = 'i12a_security'
down_revision = "i11_logistics"
branch_labels = None
depends_on = None


def _cipher():
    # The app's own field cipher (PLANNER_ENCRYPTION_KEYS): `flask db upgrade` runs in the app.
    return current_app.extensions["planner_cipher"]


def _is_sealed(cipher, value):
    try:
        cipher.decrypt(value)
        return True
    except Exception:
        return False


def _rewrite_bodies(change):
    """Apply ``change`` to every non-empty outbox body, row by row."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, body_text, body_html FROM outbound_email")).all()
    for row_id, body_text, body_html in rows:
        conn.execute(
            sa.text("UPDATE outbound_email SET body_text = :t, body_html = :h WHERE id = :id"),
            {"t": change(body_text), "h": change(body_html), "id": row_id},
        )


def upgrade():
    op.create_table('invitee_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invitee_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invitee_id'], ['invitee.id'], name=op.f('fk_invitee_session_invitee_id_invitee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['link_id'], ['access_link.id'], name=op.f('fk_invitee_session_link_id_access_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitee_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitee_session_token_hash'))
    )
    with op.batch_alter_table('invitee_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitee_session_invitee_id'), ['invitee_id'], unique=False)

    # Outbox bodies are stored encrypted from now on (queued and failed ones hold live links).
    cipher = _cipher()
    _rewrite_bodies(
        lambda body: body if not body or _is_sealed(cipher, body) else cipher.encrypt(body)
    )


def downgrade():
    cipher = _cipher()
    _rewrite_bodies(lambda body: cipher.decrypt(body) if body and _is_sealed(cipher, body) else body)

    with op.batch_alter_table('invitee_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitee_session_invitee_id'))

    op.drop_table('invitee_session')
