"""admin keys scoped to one platform or all of them; keys with an expiry

Revision ID: 0003
Revises: 0002

Admin keys made before scopes existed saw every platform: they keep seeing every platform.
"""

import sqlalchemy as sa
from alembic import op

import verify.store.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_platforms', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('expires_at', verify.store.models.UtcDateTime(), nullable=True))
    api_keys = sa.table('api_keys', sa.column('role', sa.String), sa.column('all_platforms', sa.Boolean))
    op.execute(api_keys.update().where(api_keys.c.role == 'admin').values(all_platforms=True))


def downgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('all_platforms')
