"""Extensions created unbound and bound in the factory (Flask's own pattern)."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from grassroots.api.smorest import PlatformApi
from grassroots.converters import IdConverter, id_param_schema

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = PlatformApi()  # flask-smorest's Api documenting the platform's own error body
# Once per process (the spec of each app replays it): `<id:...>` path parameters documented as 1 … 2³¹−1.
api.register_converter(IdConverter, id_param_schema)
