"""The Employee API executed with graphql-core, authorized field by field as AppSync does.

A field may be resolved in the modes its `@aws_*` directives name, else those of its type, else
the default mode only. `cognito_groups` narrows user-pool mode to members of those groups; a Lambda
authorizer's `deniedFields` null out fields. Refused fields resolve to null with AppSync's error:
`{"errorType": "Unauthorized", "message": "Not Authorized to access F on type T", ...}`.
"""

import json
import uuid
from pathlib import Path

from graphql import GraphQLError, build_schema, get_directive_values, graphql_sync

from appsync_modes import DIRECTIVE, USER_POOLS, Authorized

HERE = Path(__file__).parent
SCHEMA = build_schema((HERE / "appsync_directives.graphql").read_text() + (HERE / "schema.graphql").read_text())


class FieldUnauthorized(GraphQLError):
    error_type = "Unauthorized"


def directives(node) -> dict[str, dict]:
    """{directive name: {argument: value}} of a type or field definition."""
    names = [directive.name.value for directive in getattr(node, "directives", None) or ()]
    return {name: get_directive_values(SCHEMA.get_directive(name), node) or {} for name in names}


def allowed(auth: Authorized, parent_type, field_name: str, default_mode: str) -> bool:
    if f"{parent_type.name}.{field_name}" in auth.denied_fields:
        return False
    rules = directives(parent_type.fields[field_name].ast_node) or directives(parent_type.ast_node)
    if not rules:
        return auth.mode == default_mode
    rule = rules.get(DIRECTIVE[auth.mode])
    if rule is None:
        return False
    groups = rule.get("cognito_groups")
    if auth.mode == USER_POOLS and groups:
        return bool(set(groups) & set(auth.identity.get("groups") or []))
    return True


def authorization_middleware(default_mode: str):
    def middleware(resolve, root, info, **args):
        auth = info.context["auth"]
        if not allowed(auth, info.parent_type, info.field_name, default_mode):
            raise FieldUnauthorized(f"Not Authorized to access {info.field_name} on type {info.parent_type.name}")
        return resolve(root, info, **args)
    return middleware


class Employees:
    """The resolvers; employees kept in memory (AppSync's data source would be DynamoDB)."""

    def __init__(self):
        self.items: list[dict] = []

    def root(self) -> dict:
        return {"listEmployees": self.list_employees, "whoami": self.whoami, "createEmployee": self.create_employee}

    def list_employees(self, info):
        return self.items

    def whoami(self, info):
        return json.dumps(info.context["auth"].identity)

    def create_employee(self, info, name: str, department: str | None = None, salary: int | None = None):
        identity = info.context["auth"].identity
        who = identity.get("username") or identity.get("sub") or identity.get("resolverContext", {}).get("principal")
        item = {"id": str(uuid.uuid4()), "name": name, "department": department, "salary": salary, "createdBy": who}
        self.items.append(item)
        return item


def appsync_error(error: GraphQLError) -> dict:
    """An error entry in AppSync's shape."""
    return {"path": error.path, "data": None,
            "errorType": getattr(error, "error_type", None) or getattr(error.original_error, "error_type", None),
            "errorInfo": None,
            "locations": [{"line": loc.line, "column": loc.column, "sourceName": None} for loc in error.locations or []],
            "message": error.message}


def execute(employees: Employees, auth: Authorized, default_mode: str, query: str, variables: dict | None,
            operation: str | None) -> dict:
    result = graphql_sync(SCHEMA, query, root_value=employees.root(), context_value={"auth": auth},
                          variable_values=variables, operation_name=operation,
                          middleware=[authorization_middleware(default_mode)], field_resolver=resolve_field)
    body = {"data": result.data}
    if result.errors:
        body["errors"] = [appsync_error(error) for error in result.errors]
    return body


def resolve_field(source, info, **args):
    """Root fields call their resolver; object fields read the item (graphql-core's default)."""
    value = source.get(info.field_name) if isinstance(source, dict) else getattr(source, info.field_name, None)
    return value(info, **args) if callable(value) else value
