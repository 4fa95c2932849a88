"""approval policy, reuse digests and page prints, service keys

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import verify.store.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('platforms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_policy', sa.String(length=16), nullable=False,
                                      server_default='auto'))
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('holder_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('image_prints', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reuse', sa.JSON(), nullable=True))
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('holder_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_labels_credential_digest'), ['credential_digest'], unique=False)
    op.create_table('image_prints',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('label_id', sa.String(length=32), nullable=False),
    sa.Column('band0', sa.Integer(), nullable=False),
    sa.Column('band1', sa.Integer(), nullable=False),
    sa.Column('band2', sa.Integer(), nullable=False),
    sa.Column('band3', sa.Integer(), nullable=False),
    sa.Column('fine', sa.String(length=256), nullable=False),
    sa.ForeignKeyConstraint(['label_id'], ['labels.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('image_prints', schema=None) as batch_op:
        for column in ('label_id', 'band0', 'band1', 'band2', 'band3'):
            batch_op.create_index(batch_op.f(f'ix_image_prints_{column}'), [column], unique=False)
    op.create_table('service_keys',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', verify.store.models.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('service_keys')
    op.drop_table('image_prints')
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labels_credential_digest'))
        batch_op.drop_column('holder_digest')
        batch_op.drop_column('credential_digest')
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        for column in ('reuse', 'image_prints', 'holder_digest', 'credential_digest'):
            batch_op.drop_column(column)
    with op.batch_alter_table('platforms', schema=None) as batch_op:
        batch_op.drop_column('approval_policy')
