"""admin keys scoped to one platform or all of them; keys with an expiry; console sessions kept on the server

Revision ID: 0003
Revises: 0002

Admin keys made before scopes existed saw every platform: they keep seeing every platform.
Console cookies made before name no server-side session: reviewers sign in again.
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
    op.create_table('console_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('signed_in_at', verify.store.models.UtcDateTime(), nullable=False),
    sa.Column('expires_at', verify.store.models.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_sessions_key_id'), ['key_id'], unique=False)


def downgrade() -> None:
    op.drop_table('console_sessions')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('all_platforms')
