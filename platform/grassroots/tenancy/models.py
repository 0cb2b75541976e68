"""Tenants form a tree (province → city → county); areas and units belong to one tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grassroots.db import db, utcnow
from grassroots.db.tenant_scope import TenantScoped

JSONType = JSON().with_variant(JSONB(), "postgresql")

LEVELS = ("province", "city", "county")
STATUSES = ("active", "suspended")


class Tenant(db.Model):
    """A jurisdiction. The registry itself is platform data: it holds no tenant-owned rows."""

    __tablename__ = "tenants"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    pack_slug: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Tenant | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Tenant]] = relationship(back_populates="parent", order_by="Tenant.slug")

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh

    def ancestors(self) -> list[Tenant]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class Area(TenantScoped, db.Model):
    """An administrative division inside a tenant (county/district → township), with tags such as remote."""

    __tablename__ = "areas"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["areas.tenant_id", "areas.id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(index=True)
    tags: Mapped[list] = mapped_column(JSONType, default=list)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


class Unit(TenantScoped, db.Model):
    """An employing or service unit: hospital, school, health centre, bureau, enterprise."""

    __tablename__ = "units"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "area_id"], ["areas.tenant_id", "areas.id"]),
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["units.tenant_id", "units.id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    level: Mapped[str] = mapped_column(String(16))
    sector: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[int | None] = mapped_column(index=True)
    parent_id: Mapped[int | None] = mapped_column(index=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh
