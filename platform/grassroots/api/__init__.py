"""The API base every module's `/api/v1` blueprints build on: access-declared views, strict schemas,
bearer-or-cookie authentication with CSRF for cookies, and the OpenAPI document."""
