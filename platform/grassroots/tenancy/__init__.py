"""Tenants (jurisdictions), their areas and units, the current-tenant resolver and permissions."""
