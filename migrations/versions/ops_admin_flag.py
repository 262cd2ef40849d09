"""installation administrators: organizer.is_admin

Revision ID: ops_admin_flag
Revises: i16_read_model
Create Date: 2026-12-03 11:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "ops_admin_flag"
down_revision = "i16_read_model"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("organizer", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
