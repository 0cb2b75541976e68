"""forms: a pack form rendered as an HTML form, submissions validated by its JSON Schema, printed copies.

Kept import-light on purpose (grassroots.models imports forms.models): callers import the modules
they need, e.g. `from grassroots.forms.services import submit`.
"""
