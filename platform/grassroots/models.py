"""Imports every model module so metadata is complete (migrations and the schema test rely on it)."""

from grassroots.accounts import models as accounts_models  # noqa: F401
from grassroots.audit import models as audit_models  # noqa: F401
from grassroots.forms import models as forms_models  # noqa: F401
from grassroots.identity import models as identity_models  # noqa: F401
from grassroots.packs import models as packs_models  # noqa: F401
from grassroots.placement import models as placement_models  # noqa: F401
from grassroots.subsidy import models as subsidy_models  # noqa: F401
from grassroots.tenancy import models as tenancy_models  # noqa: F401
from grassroots.workflow import models as workflow_models  # noqa: F401
