"""Perpetrators (offenders) recorded on cases, and their link to legal proceedings (defined in
ctkit.store.perpetrator_tables and ctkit.store.tables).

Existing proceedings named their perpetrator by a case-local reference (``P1``...). Each distinct reference of a
case becomes one perpetrator (sex unknown, nothing personal, id derived from case id and reference so a rerun
gives the same ids), put on the case under that label, and the proceedings point at it by ``perpetrator_id``.
References of different cases are never merged: nothing says two cases' ``P1`` are one person.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 15:30:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_NAMESPACE = uuid.UUID("6c1f0e52-3f2d-4b7e-9a55-0d8e1c2f7a10")  # ids of perpetrators made from old references

_perpetrators = sa.table("perpetrators", sa.column("id", sa.String), sa.column("organisation_id", sa.String),
                         sa.column("sex", sa.String))
_links = sa.table("case_perpetrators", sa.column("case_id", sa.String), sa.column("position", sa.Integer),
                  sa.column("perpetrator_id", sa.String), sa.column("roles", sa.JSON), sa.column("label", sa.String))
_proceedings = sa.table("proceedings", sa.column("id", sa.String), sa.column("case_id", sa.String),
                        sa.column("position", sa.Integer), sa.column("perpetrator_ref", sa.String),
                        sa.column("perpetrator_id", sa.String))
_cases = sa.table("cases", sa.column("id", sa.String), sa.column("organisation_id", sa.String))


def upgrade() -> None:
    op.create_table('perpetrators',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('citizenship', sa.String(length=3), nullable=True),
    sa.Column('other_citizenships', sa.String(length=80), nullable=True),
    sa.Column('personal_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('key_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perpetrators'))
    )
    with op.batch_alter_table('perpetrators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perpetrators_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('case_perpetrators',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('perpetrator_id', sa.String(length=36), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_perpetrators_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['perpetrator_id'], ['perpetrators.id'],
                            name=op.f('fk_case_perpetrators_perpetrator_id_perpetrators'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'position', name=op.f('pk_case_perpetrators'))
    )
    with op.batch_alter_table('case_perpetrators', schema=None) as batch_op:
        batch_op.create_index('ix_case_perpetrators_perpetrator_id', ['perpetrator_id'], unique=False)
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('perpetrator_id', sa.String(length=36), nullable=True))
        batch_op.alter_column('perpetrator_ref', existing_type=sa.String(length=40), nullable=True)
        batch_op.create_index('ix_proceedings_perpetrator_id', ['perpetrator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proceedings_perpetrator_id_perpetrators'), 'perpetrators',
                                    ['perpetrator_id'], ['id'], ondelete='RESTRICT')
    _map_references(op.get_bind())


def _map_references(conn) -> None:
    """One perpetrator per distinct (case, reference); proceedings point at it."""
    rows = conn.execute(
        sa.select(_proceedings.c.id, _proceedings.c.case_id, _proceedings.c.perpetrator_ref, _cases.c.organisation_id)
        .join(_cases, _cases.c.id == _proceedings.c.case_id)
        .where(_proceedings.c.perpetrator_ref.is_not(None))
        .order_by(_proceedings.c.case_id, _proceedings.c.position)
    ).all()
    made: dict[tuple[str, str], str] = {}
    perpetrators, links, updates = [], [], []
    positions: dict[str, int] = {}
    for proceeding_id, case_id, ref, organisation_id in rows:
        key = (case_id, ref)
        if key not in made:
            made[key] = str(uuid.uuid5(_NAMESPACE, f"{case_id}/{ref}"))
            perpetrators.append({"id": made[key], "organisation_id": organisation_id, "sex": "unknown"})
            positions[case_id] = positions.get(case_id, -1) + 1
            links.append({"case_id": case_id, "position": positions[case_id], "perpetrator_id": made[key],
                          "roles": [], "label": ref})
        updates.append({"pid": proceeding_id, "perp": made[key]})
    if perpetrators:
        conn.execute(_perpetrators.insert(), perpetrators)
        conn.execute(_links.insert(), links)
        conn.execute(_proceedings.update().where(_proceedings.c.id == sa.bindparam("pid"))
                     .values(perpetrator_id=sa.bindparam("perp")), updates)


def downgrade() -> None:
    # The old column is required: a proceeding without a reference gets its perpetrator's label, else 'P1'.
    conn = op.get_bind()
    labels = dict(conn.execute(sa.select(_links.c.perpetrator_id, _links.c.label)).all())
    missing = conn.execute(sa.select(_proceedings.c.id, _proceedings.c.perpetrator_id)
                           .where(_proceedings.c.perpetrator_ref.is_(None))).all()
    if missing:
        conn.execute(_proceedings.update().where(_proceedings.c.id == sa.bindparam("pid"))
                     .values(perpetrator_ref=sa.bindparam("ref")),
                     [{"pid": pid, "ref": labels.get(perp) or "P1"} for pid, perp in missing])
    with op.batch_alter_table('proceedings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proceedings_perpetrator_id_perpetrators'), type_='foreignkey')
        batch_op.drop_index('ix_proceedings_perpetrator_id')
        batch_op.alter_column('perpetrator_ref', existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_column('perpetrator_id')
    with op.batch_alter_table('case_perpetrators', schema=None) as batch_op:
        batch_op.drop_index('ix_case_perpetrators_perpetrator_id')
    op.drop_table('case_perpetrators')
    with op.batch_alter_table('perpetrators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_perpetrators_organisation_id'))
    op.drop_table('perpetrators')
