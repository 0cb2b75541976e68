"""Demo data for `make demo`: the six tenants from tenants/, their logins and an operator."""
