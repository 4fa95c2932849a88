"""a cluster with no shared disk: signing keys, the audit head and change counters live in the database

Revision ID: 0005
Revises: 0004

Keys and the audit head that older versions kept in the data dir are copied in on first use
(verify.store.key_table, verify.audit.adopt_anchor_file).
"""

import sqlalchemy as sa
from alembic import op

import verify.store.models

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_TIME = verify.store.models.UtcDateTime


def upgrade() -> None:
    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=43), nullable=False),
    sa.Column('x', sa.String(length=43), nullable=False),
    sa.Column('created_at', _TIME(), nullable=False),
    sa.Column('retired_at', _TIME(), nullable=True),
    sa.Column('compromised_at', _TIME(), nullable=True),
    sa.Column('encrypted', sa.Boolean(), nullable=False),
    sa.Column('private_pem', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('kid')
    )
    counters = op.create_table('counters',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.bulk_insert(counters, [{'name': 'signing_keys', 'value': 0}, {'name': 'label_changes', 'value': 0}])
    op.create_table('audit_head',
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('audit_head')
    op.drop_table('counters')
    op.drop_table('signing_keys')
