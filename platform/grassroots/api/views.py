"""`ApiView`: a flask-smorest MethodView whose access rules are declared per method and findable.

Each HTTP method is decorated with a rule from `grassroots.tenancy.access` (outermost, so an anonymous
caller gets 401 before its body is parsed). At class creation every method must carry a rule, or the
import fails. The rules are then exposed where a URL-map walker looks for them:
- `View.get._access` (per method, as the decorator left it),
- `View._access_methods` = {"GET": rule, ...} and `View._access` = the weakest of them,
- the view function Flask registers (`app.view_functions[endpoint]._access`), copied by `as_view`.
"""

from __future__ import annotations

from flask.views import MethodView

from grassroots.tenancy.access import AccessRule

# Weakest first: a walker asking "who can reach this endpoint at all?" gets the most open rule.
_STRENGTH = {"public": 0, "login": 1, "member": 2, "permission": 3, "operator": 3}


class ApiView(MethodView):
    _access: AccessRule | None = None
    _access_methods: dict[str, AccessRule] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not getattr(cls, "methods", None):
            return
        rules: dict[str, AccessRule] = {}
        for method in sorted(cls.methods):
            rule = getattr(getattr(cls, method.lower(), None), "_access", None)
            if rule is None:
                raise TypeError(f"{cls.__qualname__}.{method.lower()} declares no access rule")
            rules[method] = rule
        cls._access_methods = rules
        cls._access = min(rules.values(), key=lambda r: _STRENGTH.get(r.kind, 0))

    @classmethod
    def as_view(cls, name: str, *class_args, **class_kwargs):
        view = super().as_view(name, *class_args, **class_kwargs)
        view._access = cls._access  # type: ignore[attr-defined]
        view._access_methods = cls._access_methods  # type: ignore[attr-defined]
        return view
