"""The isolation matrix: every endpoint and method x every role x own tenant / other tenant / no login.

Generated from the live URL map, so a new endpoint is in the matrix the moment it is registered:
- an endpoint (or one of its HTTP methods) without an access rule fails;
- an endpoint with a URL parameter that has no entry in SAMPLES fails, with a message saying what to add;
- an object-id parameter (an `id` or `int` converter) must also say how a *foreign* object is found, or why none.

The expected answer of each case is worked out from the declared rule and the seeded data (who is a
member of which tenant with which office), never from the response:
  public     anyone: not refused (no 401/403/404), never 5xx
  login      anonymous: 401 (API) or a redirect to /login (pages); anyone signed in: not refused
  operator   anonymous: 401/login; not an operator: 403; operator: not refused
  member     anonymous: 401/login; no membership in the URL's tenant: 404, the same body as a tenant
             that does not exist; a member (or the operator): not refused
  permission as member, and a member lacking the permission: 403
State-changing methods send an invalid body (malformed JSON to the API, an empty form to pages): the
matrix tests the access wall, not the business rules, and a last check proves no row was created.
Another tenant's object by id (one that exists only in kunming, asked for under /t/lijiang/) answers
exactly like a missing one: same status, same body, 404.

The seeded database is cloned once for this module; sessions and bearer tokens are made once per role.
What a module adds here when it adds endpoints: SAMPLES for its URL parameters (and SETUPS to make one
object per tenant for them), QUERY for a needed query string, BUSINESS_ANSWERS for an object-level 403
beyond the declared rule, FOREIGN_BODIES for a valid body to aim at another tenant's object. A known
isolation bug goes in KNOWN_LEAKS (a strict xfail) until it is fixed.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from sqlalchemy import column, create_engine, func, inspect, select, table

from tests import dbutil
from tests.conftest import BACKEND, DEMO_PASSWORD, build_seeded

OWN, OTHER, NO_SUCH_TENANT = "lijiang", "kunming", "no-such-tenant"
ROLES = ("anonymous", "lj_city_hr", "lj_county_hr_ninglang", "lj_admin", "lj_policy_author", "lj_doctor_he",
         "km_city_hr", "operator")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WITH_BODY = {"POST", "PUT", "PATCH"}
REFUSALS = {401, 403, 404}
VALIDATION = {400, 409, 413, 415, 422}
MISSING_BY_CONVERTER = {"IdConverter": 2_000_000_000, "IntegerConverter": 2_000_000_000,
                        "UnicodeConverter": "no-such-object", "PathConverter": "no/such/object"}
# Malformed JSON: no schema accepts it, and an endpoint that stores any JSON object (a draft) refuses it.
INVALID_JSON = "{matrix: not json"

# Answers that look like a refusal but are the endpoint's own: (endpoint, method or "*") -> statuses.
BUSINESS_ANSWERS: dict[tuple[str, str], set[int | str]] = {
    ("accounts.login", "POST"): {401},  # an empty username and password: "wrong username or password"
    ("accounts.logout", "POST"): {"login-redirect"},  # signing out lands on the login page
    # Object-level checks beyond the declared rule: a member who is not a reader of this object gets 403
    # (never 404: the object is in their tenant, so its existence is not a secret from them).
    ("workflow_web.instance", "*"): {403},  # the submitter, the task holders and overseers read a chain
    ("workflow_api.Instance", "*"): {403},
    ("forms.submission", "*"): {403},  # the submitter, the copy offices and reviewers read a submission
    ("forms.print_copies", "*"): {403},
    ("forms.attachment", "*"): {403},
    ("forms_api.Submission", "*"): {403},
    ("placement_api.Timeline", "*"): {403},  # a person's record: offices whose reach covers the person
    ("placement.timeline", "*"): {403},
    # Declared program.view, but filing needs application.create or placement.manage (an any-of rule the
    # access decorators cannot declare yet): reported; the 403 for other members is that inner check.
    ("placement.application_new", "*"): {403},
    # A placement's money and "why this amount": subsidy offices, the case's handlers and the person only.
    ("subsidy.placement", "*"): {403},
    ("subsidy.entitlement", "*"): {403},
    ("subsidy_api.PlacementEntitlements", "GET"): {403},
    ("subsidy_api.EntitlementTrace", "*"): {403},
}


def _business(route) -> set[int | str]:
    return BUSINESS_ANSWERS.get((route.endpoint, route.method), set()) | BUSINESS_ANSWERS.get((route.endpoint, "*"),
                                                                                             set())


# Append-only logs that requests legitimately write to (the no-rows-created check ignores them).
LOG_TABLES = {"audit_entries", "login_failures", "alembic_version"}


class TenantLeak(AssertionError):
    """A refusal for another tenant that does not look exactly like the answer for a missing one."""


# Known isolation bugs, reported to the lead: (predicate(case, expected), reason). Each is a strict xfail
# raising only TenantLeak: a wrong status still fails, and the fix turns the case into an XPASS failure
# that says to delete the entry.
KNOWN_LEAKS: list[tuple[Callable[[Case, object], bool], str]] = [
    # Fixed in 5efa279: pages refused with 404 to a non-member used to name the tenant in the header.
]


# --- Samples for URL parameters ----------------------------------------------------------------------


@dataclass
class World:
    """What the seeded module database holds, read once: users, memberships, objects to point at."""

    app: object
    owner_url: str
    users: dict[str, dict] = field(default_factory=dict)  # username -> {id, is_operator, perms{slug: set}}
    tenant_ids: dict[str, int] = field(default_factory=dict)
    programs: dict[str, list[str]] = field(default_factory=dict)
    versions: dict[str, list[int]] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)  # username -> {auth: raw, sample: id}
    cookies: dict[str, tuple[str, int]] = field(default_factory=dict)  # username -> (cookie, session version)
    row_counts: dict[str, int] = field(default_factory=dict)
    engine: object = None  # the module database as its owner, for the test's own reads
    objects: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # kind -> tenant slug -> ids
    setup_errors: dict[str, str] = field(default_factory=dict)  # kind -> why its SETUPS entry failed

    def ids(self, kind: str, tenant: str | None) -> list[int]:
        if not self.objects.get(kind, {}).get(tenant or OWN):
            pytest.fail(f"no sample object of kind {kind!r} in {tenant or OWN}: "
                        f"{self.setup_errors or 'add a maker to SETUPS in tests/test_isolation_matrix.py'}")
        return self.objects[kind][tenant or OWN]


def _other(tenant: str | None) -> str:
    return OTHER if tenant in (None, OWN) else OWN


def _only_in_other(values: dict[str, list], tenant: str | None):
    here = set(values.get(tenant or OWN, []))
    return next((v for v in values.get(_other(tenant), []) if v not in here), None)


def _object(kind: str) -> Sample:
    """A sample from SETUPS[kind]: the object made in the URL's tenant, and the one made in the other."""
    return Sample(own=lambda w, t, u: w.ids(kind, t)[0], foreign=lambda w, t, u: w.ids(kind, _other(t))[0])


def _token_of_someone_else(world: World, tenant: str | None, username: str):
    other = "km_city_hr" if username != "km_city_hr" else "lj_city_hr"
    return world.tokens[other]["sample"]


@dataclass(frozen=True)
class Sample:
    """How to fill one URL parameter. Each callable gets (world, URL tenant slug or None, username).

    own:     a value that exists in the URL's tenant (and, for per-user objects, belongs to the user);
    foreign: a value that exists only in another tenant (or belongs to another user); None if the
             parameter names no object, and then `why_no_foreign` says so for an integer id.
    """

    own: Callable[[World, str | None, str], object]
    foreign: Callable[[World, str | None, str], object] | None = None
    why_no_foreign: str = ""


# Objects that the seeded demo does not have, made once per module in OWN and in OTHER: kind -> maker.
# A maker registers ids with world.objects[kind][slug]; if it raises (a module being rebuilt), only the
# cases that need that kind fail, each saying why.


def _make_people(w: World, tenants: dict) -> None:
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.identity.idnumbers import check_char
    from grassroots.identity.services import register_person

    for n, slug in enumerate((OWN, OTHER)):
        first17 = f"530702199001019{n:02d}"  # a valid resident ID number (check character computed)
        with tenant_context(tenants[slug].id, db.session):
            person = register_person({"name": f"隔离测试{n}", "id_number": first17 + check_char(first17)}, None,
                                     commit=False)
            person_id = person.id
            db.session.commit()
        w.objects.setdefault("person", {})[slug] = [person_id]


def _make_chains(w: World, tenants: dict) -> None:
    """A one-step chain per tenant (tenant-wide city HR review), opened by its doctor or city HR."""
    from grassroots.accounts.models import User
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.packs.effective import current_effective
    from grassroots.workflow.engine import start_chain
    from grassroots.workflow.models import ChainTask

    chain = {"id": "isolation_matrix", "name": {"zh": "隔离测试", "en": "Isolation matrix"},
             "steps": [{"id": "review", "name": {"zh": "审核", "en": "Review"}, "kind": "review",
                        "office": "city_hr", "scope": "tenant"}]}
    for slug, submitter in ((OWN, "lj_doctor_he"), (OTHER, "km_city_hr")):
        user_id = db.session.execute(select(User.id).filter_by(username=submitter)).scalar_one()
        with tenant_context(tenants[slug].id, db.session):
            effective = current_effective(tenants[slug])
            instance = start_chain(chain, effective.version_id, "isolation_matrix", 1, user_id, {}, {})
            instance_id = instance.id
            task_ids = db.session.execute(select(ChainTask.id).filter_by(instance_id=instance_id)).scalars().all()
            db.session.commit()
        w.objects.setdefault("instance", {})[slug] = [instance_id]
        w.objects.setdefault("task", {})[slug] = list(task_ids)


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def _make_submissions(w: World, tenants: dict) -> None:
    """A submission with one attachment per tenant, of a small form whose copy goes to city HR."""
    import io

    from werkzeug.datastructures import FileStorage

    from grassroots.accounts.models import User
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.forms.models import Attachment
    from grassroots.forms.services import submit
    from grassroots.packs.effective import current_effective

    form = {"id": "isolation_matrix", "title": {"zh": "隔离测试表", "en": "Isolation matrix form"},
            "cite": {"doc": "isolation-matrix", "article": "1"}, "schema": {"type": "object", "properties": {}},
            "copies": [{"recipient": {"zh": "市人社局", "en": "City HR"}, "office": "city_hr"}],
            "attachments": [{"id": "scan", "name": {"zh": "扫描件", "en": "Scan"}, "types": ["png"]}]}
    for slug, submitter in ((OWN, "lj_doctor_he"), (OTHER, "km_city_hr")):
        user = db.session.execute(select(User).filter_by(username=submitter)).scalar_one()
        with tenant_context(tenants[slug].id, db.session):
            version_id = current_effective(tenants[slug]).version_id
            files = {"scan": FileStorage(stream=io.BytesIO(PNG), filename="scan.png")}
            submission = submit(form, {}, files, version_id, "isolation_matrix", 1, user)
            submission_id = submission.id
            attachment_ids = db.session.execute(select(Attachment.id).filter_by(submission_id=submission_id)).scalars().all()
            db.session.commit()
        w.objects.setdefault("submission", {})[slug] = [submission_id]
        w.objects.setdefault("attachment", {})[slug] = list(attachment_ids)


def _make_subsidy(w: World, tenants: dict) -> None:
    """Per tenant: a placement owed a subsidy, its roster (compiled by a user outside ROLES, so no role
    here is its compiler) and a draft batch of it."""
    from datetime import date

    from grassroots.accounts.models import Membership, User
    from grassroots.db import db
    from grassroots.db.tenant_scope import tenant_context
    from grassroots.subsidy.compile import compile_roster
    from grassroots.subsidy.models import DisbursementBatch, Entitlement
    from tests.subsidy.conftest import kunming_placement, lijiang_placement

    placements = {OWN: lijiang_placement(), OTHER: kunming_placement(start=date(2024, 3, 1))}
    for slug, payer in ((OWN, "yunnan_finance"), (OTHER, "kunming_finance")):
        compiler = User(username=f"matrix_compiler_{slug}", display_name="isolation matrix")
        compiler.set_password(DEMO_PASSWORD)
        db.session.add(compiler)
        db.session.flush()
        db.session.add(Membership(user_id=compiler.id, tenant_id=tenants[slug].id, office="city_hr",
                                  scope_kind="tenant", scope_code=""))
        db.session.commit()
        with tenant_context(tenants[slug].id, db.session):
            roster = compile_roster(payer, 2025, compiler, as_of=date(2025, 12, 31))[0]
            batch = DisbursementBatch(roster_id=roster.id, payer=payer, line_count=roster.line_count,
                                      total_fen=roster.total_fen, currency=roster.currency, created_by=compiler.id)
            db.session.add(batch)
            db.session.commit()
            entitlements = db.session.execute(select(Entitlement.id).order_by(Entitlement.id)).scalars().all()
            w.objects.setdefault("roster", {})[slug] = [roster.id]
            w.objects.setdefault("batch", {})[slug] = [batch.id]
        w.objects.setdefault("entitlement", {})[slug] = list(entitlements)
        w.objects.setdefault("subsidy_placement", {})[slug] = [placements[slug]]


SETUPS: dict[str, Callable[[World, dict], None]] = {
    "person": _make_people,
    "instance": _make_chains,  # also makes "task"
    "submission": _make_submissions,  # also makes "attachment"
    "subsidy": _make_subsidy,  # makes "subsidy_placement", "entitlement", "roster", "batch"
}

# Keyed by "<endpoint>:<parameter>" (wins) or "<parameter>". A new endpoint whose parameters are not
# here fails the matrix: add how to find a value that exists in the URL's tenant, and a foreign one.
SAMPLES: dict[str, Sample] = {
    "lang": Sample(own=lambda w, t, u: "en"),
    "program": Sample(own=lambda w, t, u: w.programs[t][0], foreign=lambda w, t, u: _only_in_other(w.programs, t)),
    "number": Sample(own=lambda w, t, u: w.versions[t][-1], foreign=lambda w, t, u: _only_in_other(w.versions, t)),
    "token_id": Sample(own=lambda w, t, u: w.tokens[u if u in w.tokens else "lj_city_hr"]["sample"],
                       foreign=_token_of_someone_else),
    "person_id": _object("person"),
    "instance_id": _object("instance"),
    "task_id": _object("task"),
    "submission_id": _object("submission"),
    "attachment_id": _object("attachment"),
    "form_id": Sample(own=lambda w, t, u: w.forms[t][0], foreign=lambda w, t, u: _only_in_other(w.forms, t)),
    "roster_id": _object("roster"),
    "batch_id": _object("batch"),
    "entitlement_id": _object("entitlement"),
    "subsidy.placement:placement_id": _object("subsidy_placement"),
    "subsidy.placement_compute:placement_id": _object("subsidy_placement"),
    "subsidy_api.PlacementEntitlements:placement_id": _object("subsidy_placement"),
}

# Modules that keep their entries beside their own tests.
from tests.placement import matrix as placement_matrix  # noqa: E402

BUSINESS_ANSWERS.update(placement_matrix.BUSINESS)
SETUPS = {"placement": placement_matrix.make_objects, **SETUPS}  # first: it seeds the demo cases
SAMPLES.update(placement_matrix.samples(_object))

# Query strings an endpoint needs to do its work (else it answers 404/400 whoever asks).
QUERY: dict[str, Callable[[World, str | None, str], dict]] = {
    "web.switch_tenant": lambda w, t, u: {"to": next(iter(w.users.get(u, {}).get("perms") or [OWN]))},
}

# For the foreign-object check only: a *valid* body, so that a hole in the wall would act on the other
# tenant's object (and be seen), instead of stopping at body validation. Own-tenant cases never get one.
FOREIGN_BODIES: dict[str, dict] = {
    "workflow_web.act": {"outcome": "approve"},
    "workflow_api.Act": {"outcome": "approve"},
    "identity.person_reveal": {"reason": "isolation matrix"},
    "identity_api.Reveal": {"reason": "isolation matrix"},
    "subsidy_api.PlacementEntitlements": {"as_of": "2025-12-31"},
    "subsidy_api.Resubmit": {},
    "subsidy_api.Withdraw": {"reason": "isolation matrix"},
    "subsidy_api.Approve": {},
    "subsidy_api.Pay": {"reference": "isolation matrix"},
}
FOREIGN_BODIES.update(placement_matrix.FOREIGN_BODIES)


def _sample_for(endpoint: str, param: str) -> Sample | None:
    return SAMPLES.get(f"{endpoint}:{param}") or SAMPLES.get(param)


# --- The URL map, read at collection -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    params: tuple[tuple[str, str], ...]  # (name, converter class) without `tenant`
    tenant: bool

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")


def _routes() -> list[Route]:
    from grassroots.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(dbutil.test_config("sqlite", f"sqlite:///{Path(tmp) / 'unused.db'}", Path(tmp)))
        routes = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            params = tuple(sorted((name, type(conv).__name__) for name, conv in rule._converters.items()
                                  if name != "tenant"))
            for method in METHODS:
                if method in rule.methods:
                    routes.append(Route(rule.endpoint, rule.rule, method, params, "tenant" in rule.arguments))
        dbutil.dispose(app)
    return sorted(routes, key=lambda r: (r.rule, r.method))


ROUTES = _routes()


@dataclass(frozen=True)
class Case:
    route: Route
    role: str
    tenant: str | None


def _cases() -> list:
    out = []
    for route in ROUTES:
        for role in ROLES:
            for tenant in ((OWN, OTHER) if route.tenant else (None,)):
                ident = f"{route.endpoint}:{route.method}:{role}:{tenant or '-'}"
                out.append(pytest.param(Case(route, role, tenant), id=ident))
    return out


# --- The module's database, sessions and tokens ------------------------------------------------------


@pytest.fixture(scope="module")
def world(template_factory, tmp_path_factory):
    from grassroots.app import create_app

    tmp = tmp_path_factory.mktemp("matrix")
    url = dbutil.clone(BACKEND, template_factory("seeded", build_seeded), tmp / "matrix.db")
    config = dbutil.test_config(BACKEND, url, tmp)
    # Throttles are tested elsewhere; here a few hundred requests come from one address.
    config.update(LOGIN_IP_MAX_FAILURES=100_000, EVALUATE_RATE_PER_MINUTE=0)
    app = create_app(config)
    w = World(app=app, owner_url=url, engine=create_engine(url))
    with app.app_context():
        _read_world(w)
    w.row_counts = _row_counts(w)
    yield w
    w.engine.dispose()
    dbutil.dispose(app)
    dbutil.drop(BACKEND, url)


def _read_world(w: World) -> None:
    from grassroots.accounts import tokens
    from grassroots.accounts.models import User
    from grassroots.db import db
    from grassroots.packs import history, services
    from grassroots.packs.programs import effective_or_none
    from grassroots.tenancy.models import Tenant
    from grassroots.tenancy.permissions import permissions_of

    tenants = {t.slug: t for t in db.session.execute(select(Tenant)).scalars()}
    w.tenant_ids = {slug: t.id for slug, t in tenants.items()}
    for kind, make in SETUPS.items():
        try:
            make(w, tenants)
        except Exception as exc:  # a module being rebuilt: only the cases needing `kind` fail
            db.session.rollback()
            w.setup_errors[kind] = f"{type(exc).__name__}: {exc}"
    for slug in (OWN, OTHER):
        effective = effective_or_none(tenants[slug])
        w.programs[slug] = [p["id"] for p in effective.pack.get("programs", [])] if effective else []
        w.forms[slug] = [f["id"] for f in effective.pack.get("forms", [])] if effective else []
        w.versions[slug] = sorted(r["number"] for r in history.version_rows(tenants[slug]))
    # A version number that exists only in kunming, so /t/lijiang/pack/versions/<n> can ask for it.
    if not set(w.versions[OTHER]) - set(w.versions[OWN]):
        other = tenants[OTHER]
        first = history.version_with_content(other, w.versions[OTHER][0])
        label = (None, "isolation matrix")
        services.create_version(other, first.content, author=label, publisher=label, allow_files=True,
                                note="isolation matrix: a version only kunming has", effective_date=first.effective_date)
        db.session.commit()
        w.versions[OTHER] = sorted(r["number"] for r in history.version_rows(other))
    for username in ROLES[1:]:
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        perms: dict[str, set[str]] = {}
        for m in user.memberships:
            perms.setdefault(m.tenant.slug, set()).update(permissions_of(m.tenant, m.office))
        w.users[username] = {"id": user.id, "is_operator": user.is_operator, "perms": perms}
        _, auth = tokens.create_token(user, "isolation matrix: auth")
        sample, _ = tokens.create_token(user, "isolation matrix: sample")
        db.session.flush()
        w.tokens[username] = {"auth": auth, "sample": sample.id}
    db.session.commit()
    assert set(w.users["lj_city_hr"]["perms"]) == {OWN} and set(w.users["km_city_hr"]["perms"]) == {OTHER}
    assert w.users["operator"]["is_operator"] and not w.users["operator"]["perms"]


def _row_counts(w: World) -> dict[str, int]:
    with w.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n not in LOG_TABLES]
        return {n: conn.execute(select(func.count()).select_from(table(n))).scalar_one() for n in names}


USERS = table("users", column("username"), column("session_version"))


def _session_version(w: World, username: str) -> int:
    """Read beside the app (its ORM hooks cost more than the query): did a case end this user's sessions?"""
    with w.engine.connect() as conn:
        return conn.execute(select(USERS.c.session_version).where(USERS.c.username == username)).scalar_one()


def client_for(w: World, role: str):
    """A fresh client carrying the role's session cookie (signed in again if a case ended the session)."""
    client = w.app.test_client()
    if role == "anonymous":
        return client
    version = _session_version(w, role)
    cached = w.cookies.get(role)
    if cached is None or cached[1] != version:
        scratch = w.app.test_client()
        response = scratch.post("/login", data={"username": role, "password": DEMO_PASSWORD})
        assert response.status_code in (302, 303), f"matrix login as {role} answered {response.status_code}"
        cookie = scratch.get_cookie(w.app.config["SESSION_COOKIE_NAME"])
        w.cookies[role] = cached = (cookie.value, _session_version(w, role))
    client.set_cookie(w.app.config["SESSION_COOKIE_NAME"], cached[0])
    return client


# --- Requests and expectations ----------------------------------------------------------------------


def _fill(w: World, case: Case, tenant: str | None, overrides: dict | None = None) -> str:
    """The case's URL; fails with instructions when a parameter has no sample."""
    values: dict[str, object] = {}
    for name, converter in case.route.params:
        if overrides and name in overrides:
            values[name] = overrides[name]
            continue
        sample = _sample_for(case.route.endpoint, name)
        if sample is None:
            pytest.fail(_no_sample_message(case.route, name, converter))
        values[name] = sample.own(w, case.tenant, case.role)
    if case.route.tenant:
        values["tenant"] = tenant
    path = case.route.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(str(value), safe="/"), path)
    query = QUERY.get(case.route.endpoint)
    return f"{path}?{urlencode(query(w, case.tenant, case.role))}" if query else path


def _no_sample_message(route: Route, name: str, converter: str) -> str:
    return (f"{route.endpoint} ({route.rule}) has the URL parameter <{name}> ({converter}) and the isolation "
            f"matrix has no sample for it: add SAMPLES[{name!r}] (or SAMPLES['{route.endpoint}:{name}']) in "
            f"tests/test_isolation_matrix.py with `own` (a value that exists in the URL's tenant) and, for an "
            f"object id, `foreign` (one that exists only in another tenant).")


def _send(w: World, role: str, route: Route, path: str, body: dict | None = None):
    """Pages with the role's session cookie, the API with its bearer token; an invalid body unless given."""
    client = client_for(w, role)
    headers = {}
    if route.api and role != "anonymous":
        headers["Authorization"] = f"Bearer {w.tokens[role]['auth']}"
    kwargs: dict = {"headers": headers}
    if route.method in WITH_BODY and route.api and body is not None:
        kwargs["json"] = body
    elif route.method in WITH_BODY and route.api:
        kwargs.update(data=INVALID_JSON, content_type="application/json")
    elif route.method in WITH_BODY:
        kwargs["data"] = body or {}
    response = client.open(path, method=route.method, **kwargs)
    response.get_data()  # buffered, then the file a download streams from is closed
    response.close()
    return response


def access_rule(app, route: Route):
    """The rule declared for this method (class views per method, function views on the function)."""
    from grassroots.tenancy.access import AccessRule

    view = app.view_functions[route.endpoint]
    per_method = getattr(view, "_access_methods", None) or getattr(getattr(view, "view_class", None),
                                                                  "_access_methods", None)
    rule = per_method.get(route.method) if per_method else getattr(view, "_access", None)
    if not isinstance(rule, AccessRule):
        pytest.fail(f"{route.endpoint} {route.method} ({route.rule}) declares no access rule: decorate it with "
                    f"public / login_required / member_required / requires(permission) / operator_required")
    return rule


def expected(w: World, route: Route, rule, role: str, tenant: str | None):
    """'allowed', 'login' (401 on the API, a redirect to /login on pages), 403 or 404."""
    from grassroots.tenancy.access import OPERATOR_PERMISSIONS

    if rule.kind == "public":
        return "allowed"
    if rule.kind not in ("login", "operator", "member", "permission"):
        pytest.fail(f"{route.endpoint} {route.method}: access rule kind {rule.kind!r} is unknown to the matrix")
    if rule.kind in ("member", "permission") and not route.tenant:
        pytest.fail(f"{route.endpoint} {route.method} ({route.rule}): a tenant rule on a URL without <tenant>")
    if role == "anonymous":
        return "login"
    user = w.users[role]
    if rule.kind == "login":
        return "allowed"
    if rule.kind == "operator":
        return "allowed" if user["is_operator"] else 403
    if tenant not in user["perms"] and not user["is_operator"]:
        return 404
    if rule.kind == "member":
        return "allowed"
    perms = set(user["perms"].get(tenant, set())) | (OPERATOR_PERMISSIONS if user["is_operator"] else set())
    return "allowed" if rule.permission in perms else 403


def _is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.headers.get("Location", "")).path == "/login"


def check(response, expect, route: Route, where: str, public: bool = False) -> None:
    status = response.status_code
    assert status < 500, f"{where}: {status} (a crash)\n{response.get_data(as_text=True)[:2000]}"
    if expect == "allowed":
        business = _business(route)
        assert status not in REFUSALS or status in business, f"{where}: expected access, got {status}"
        # A public page may send a visitor to sign in (the start page does); a signed-in page may not.
        assert public or not _is_login_redirect(response) or "login-redirect" in business, (
            f"{where}: expected access, got a redirect to the login page")
        assert not (route.method in WITH_BODY and status == 201), f"{where}: an invalid body created something"
    elif expect == "login":
        if route.api:
            assert status == 401, f"{where}: anonymous on the API should get 401, got {status}"
        else:
            assert _is_login_redirect(response), (
                f"{where}: anonymous should be sent to /login, got {status} {response.headers.get('Location')}")
    else:
        assert status == expect, f"{where}: expected {expect}, got {status}"


def _normalised(response) -> str:
    """The body without what legitimately differs between two requests: CSRF tokens, and the requested
    path that the language switch echoes as `next=` (nothing else is masked)."""
    body = response.get_data(as_text=True)
    body = re.sub(r'(name="csrf_token" value=|name="csrf-token" content=)"[^"]*"', r'\1""', body)
    return re.sub(r'([?&](?:amp;)?next=)[^"&\s]*', r"\1{REQUESTED_PATH}", body)


def assert_same_answer(got, missing, what: str) -> None:
    a, b = _normalised(got), _normalised(missing)
    if got.status_code != missing.status_code or a != b:
        diff = "\n".join(difflib.unified_diff(b.splitlines(), a.splitlines(), "missing", "foreign", lineterm="", n=1))
        raise TenantLeak(f"{what}: answered {got.status_code}, a missing one {missing.status_code}; "
                         f"the bodies differ:\n{diff[:3000]}")


# --- The matrix --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _cases())
def test_isolation_matrix(world, case: Case, request):
    route = case.route
    rule = access_rule(world.app, route)
    path = _fill(world, case, case.tenant)
    expect = expected(world, route, rule, case.role, case.tenant)
    where = f"{route.method} {path} as {case.role} ({rule.kind} {rule.permission or ''})".rstrip()
    response = _send(world, case.role, route, path)
    check(response, expect, route, where, public=rule.kind == "public")
    if expect == 404:  # not a member: exactly like a tenant that does not exist
        for predicate, reason in KNOWN_LEAKS:
            if predicate(case, expect):
                request.applymarker(pytest.mark.xfail(strict=True, raises=TenantLeak, reason=reason))
        missing_path = _fill(world, case, NO_SUCH_TENANT)
        missing = _send(world, case.role, route, missing_path)
        assert_same_answer(response, missing, f"{where}, a tenant the user is not in (vs {missing_path})")


def _foreign_cases() -> list:
    out = []
    for route in ROUTES:
        if any((_sample_for(route.endpoint, name) or Sample(own=None)).foreign for name, _ in route.params):
            for role in ROLES:
                ident = f"{route.endpoint}:{route.method}:{role}:{OWN if route.tenant else '-'}"
                out.append(pytest.param(Case(route, role, OWN if route.tenant else None), id=ident))
    return out


@pytest.mark.parametrize("case", _foreign_cases())
def test_another_tenants_object_is_answered_like_a_missing_one(world, case: Case):
    """Each id parameter in turn set to an object of another tenant (or user), then to a missing one."""
    route = case.route
    rule = access_rule(world.app, route)
    own_expect = expected(world, route, rule, case.role, case.tenant)
    for name, converter in route.params:
        sample = _sample_for(route.endpoint, name)
        if sample is None or sample.foreign is None:
            continue
        foreign_value = sample.foreign(world, case.tenant, case.role)
        assert foreign_value is not None, f"SAMPLES[{name!r}].foreign found no object outside {case.tenant}"
        foreign_path = _fill(world, case, case.tenant, {name: foreign_value})
        missing_path = _fill(world, case, case.tenant, {name: MISSING_BY_CONVERTER[converter]})
        where = f"{route.method} {foreign_path} as {case.role} (<{name}> of another tenant or user)"
        body = FOREIGN_BODIES.get(route.endpoint)
        got = _send(world, case.role, route, foreign_path, body)
        missing = _send(world, case.role, route, missing_path, body)
        assert got.status_code < 500, f"{where}: {got.status_code}"
        if own_expect == "allowed":
            # A GET must say 404; a body-carrying request may stop at its body first (then it never
            # looked at the object), but must answer exactly as for a missing object either way.
            allowed = {404} | {s for s in _business(route) if isinstance(s, int)}
            if route.method in WITH_BODY and body is None:
                allowed |= VALIDATION | {302, 303}
            assert got.status_code in allowed, f"{where}: expected 404, got {got.status_code}"
        else:  # refused before the object is looked at: the same refusal, whatever the id
            check(got, own_expect, route, where, public=rule.kind == "public")
        assert_same_answer(got, missing, f"{where} (vs {missing_path})")


@pytest.mark.parametrize("role", ("anonymous", "lj_city_hr", "operator"))
def test_a_tenant_that_does_not_exist_is_404_everywhere(world, role):
    for route in ROUTES:
        if not route.tenant:
            continue
        case = Case(route, role, OWN)
        # The tenant is resolved before anything else: other parameters need no sample here.
        placeholders = {name: MISSING_BY_CONVERTER.get(conv, "x") for name, conv in route.params
                        if _sample_for(route.endpoint, name) is None}
        path = _fill(world, case, NO_SUCH_TENANT, placeholders)
        response = _send(world, role, route, path)
        assert response.status_code == 404, f"{route.method} {path} as {role}: {response.status_code}"


def test_every_endpoint_has_a_rule_and_samples():
    """All the gaps at once (each also fails its own matrix cases), so a developer sees the whole list."""
    from grassroots.app import create_app
    from grassroots.tenancy.access import AccessRule

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(dbutil.test_config("sqlite", f"sqlite:///{Path(tmp) / 'unused.db'}", Path(tmp)))
        for route in ROUTES:
            view = app.view_functions[route.endpoint]
            per_method = getattr(view, "_access_methods", None)
            rule = per_method.get(route.method) if per_method else getattr(view, "_access", None)
            if not isinstance(rule, AccessRule):
                problems.append(f"{route.endpoint} {route.method}: no access rule")
            for name, converter in route.params:
                sample = _sample_for(route.endpoint, name)
                if sample is None:
                    problems.append(_no_sample_message(route, name, converter))
                elif (converter in ("IdConverter", "IntegerConverter") and sample.foreign is None
                      and not sample.why_no_foreign):
                    problems.append(f"{route.endpoint} <{name}>: an id needs SAMPLES[...].foreign (an object of "
                                    f"another tenant) or why_no_foreign")
        dbutil.dispose(app)
    assert not problems, f"{len(problems)} gaps in the isolation matrix:\n" + "\n".join(problems)


def test_the_matrix_created_nothing(world):
    """Runs after the matrix (pytest keeps file order): no invalid body wrote a row (logs excepted)."""
    assert _row_counts(world) == world.row_counts
