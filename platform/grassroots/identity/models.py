"""The people register: one row per professional known to a tenant.

The resident ID number is held only as `id_cipher` (AES-GCM, see crypto.py) and `id_hash` (keyed
HMAC, for lookups and the per-tenant unique key). Birth date and gender are stored as facts the rules
read; they are taken from the number at registration so they cannot disagree with it. The audit hook
masks both ID columns (`__audit_mask__`), so no audit entry carries them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped

JSONType = JSON().with_variant(JSONB(), "postgresql")
GENDERS = ("female", "male")


class Person(TenantScoped, db.Model):
    __tablename__ = "people"
    __audited__ = True
    __audit_mask__ = ("id_cipher", "id_hash")
    __table_args__ = (
        UniqueConstraint("tenant_id", "id_hash"),  # per tenant: another tenant's holding stays invisible
        UniqueConstraint("tenant_id", "id"),  # target of other modules' composite foreign keys
        UniqueConstraint("tenant_id", "user_id"),  # a login is at most one person of a tenant
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column()
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_hash: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    ethnic_minority: Mapped[bool] = mapped_column(default=False)
    education: Mapped[str | None] = mapped_column(String(32))
    title_level: Mapped[str | None] = mapped_column(String(32))
    title_series: Mapped[str | None] = mapped_column(String(64))
    licenses: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit = relationship("Unit", viewonly=True)  # joined on (tenant_id, unit_id): never another tenant's unit
    user = relationship("User", viewonly=True)

    def __repr__(self) -> str:  # never the number, not even encrypted
        return f"<Person {self.id} tenant={self.tenant_id}>"
