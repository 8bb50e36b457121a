"""seed_users.yaml -> validated pydantic models.

Every problem becomes a `ConfigIssue` (file, line, key, message) and all of them are raised
together as one `ConfigError`: a seed file is edited by hand, so the author should be able to
fix every mistake in one pass, without reading a pydantic or PyYAML traceback.

Three passes feed the same issue list:
  1. YAML (syntax, duplicate keys),
  2. pydantic (shape, types, unknown keys, rules local to one object),
  3. cross-item rules (duplicate ids, tenant path clashes) on the raw data, so that a typo in
     one client does not hide a clash elsewhere.
Line numbers come from the composed YAML node tree, addressed by pydantic's `loc` tuples.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Loc = tuple[str | int, ...]

# Report order, most important first: a typo (unknown key) is usually the reason a required
# key looks missing, and a wrong shape hides the rules that would apply to the right one.
UNKNOWN_KEY, DUPLICATE_KEY, MISSING_KEY, INVALID = range(4)


# --- errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    line: int | None  # 1-based; None when the problem is the file itself
    key: str | None  # dotted path, e.g. "tenants.default.clients[0].client_id"
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return ": ".join(part for part in (where, self.key, self.message) if part)


class ConfigError(Exception):
    """The seed file is unusable; `errors` lists every problem, most important first."""

    def __init__(self, errors: list[ConfigIssue]):
        self.errors = errors
        super().__init__("\n".join(str(issue) for issue in errors))


def issue_at(message: str, *at: str | int) -> PydanticCustomError:
    """A validation error that points `at` a key below the object being validated."""
    return PydanticCustomError("seed_config", "{message}", {"message": message, "at": at})


# --- field rules ----------------------------------------------------------------------------

# OIDC Core §3 / OAuth 2.0 Multiple Response Types: the registered combinations.
RESPONSE_TYPES = ("code", "id_token", "id_token token", "code id_token", "code token",
                  "code id_token token", "token")


def check_redirect_uri(uri: str) -> str:
    # RFC 6749 §3.1.2: the endpoint URI MUST be absolute and MUST NOT include a fragment.
    parts = urlsplit(uri)
    if not parts.scheme or any(ch.isspace() for ch in uri):
        raise ValueError(f"{uri!r} is not an absolute URI (RFC 6749 §3.1.2)")
    if parts.scheme in ("http", "https") and not parts.netloc:
        raise ValueError(f"{uri!r} has no host (RFC 6749 §3.1.2)")
    if not parts.netloc and parts.path[:1].isdigit():
        # "localhost:3000/cb" parses as scheme "localhost"; it is a URL missing "http://".
        raise ValueError(f"{uri!r} looks like host:port without a scheme (RFC 6749 §3.1.2)")
    if "#" in uri:
        raise ValueError(f"{uri!r} must not contain a fragment (RFC 6749 §3.1.2)")
    return uri


def normalise_response_type(value: str) -> str:
    # Sorting the words yields the canonical spelling for every registered combination.
    canonical = " ".join(sorted(value.split()))
    if canonical not in RESPONSE_TYPES:
        raise ValueError(f"unsupported response_type {value!r}; use one of {', '.join(RESPONSE_TYPES)}")
    return canonical


def normalise_path(path: str) -> str:
    """Leading "/", no trailing "/" except for the root."""
    if any(ch in path for ch in "?#") or any(ch.isspace() for ch in path):
        raise ValueError(f"path {path!r} must be a plain URL path (no query, fragment or spaces)")
    normalised = "/" + path.strip("/")
    if "//" in normalised:
        raise ValueError(f"path {path!r} contains an empty segment")
    return normalised


def tenant_path(name: str, path: str | None) -> str:
    return normalise_path(f"/{name}" if path is None else path)


RedirectUri = Annotated[str, AfterValidator(check_redirect_uri)]
ResponseType = Annotated[str, AfterValidator(normalise_response_type)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
# strict: lax mode would read `true` as 1 second and "30" as 30.
Seconds = Annotated[int, Field(strict=True, gt=0)]
GrantType = Literal["authorization_code", "refresh_token", "client_credentials", "password",
                    "implicit", "urn:ietf:params:oauth:grant-type:device_code"]
AuthMethod = Literal["client_secret_basic", "client_secret_post", "none"]


# --- models ---------------------------------------------------------------------------------


class SeedModel(BaseModel):
    # A misspelt key would otherwise be ignored silently and its default used instead.
    model_config = ConfigDict(extra="forbid")


class AuthorizationServerConfig(SeedModel):
    id: NonEmptyStr
    audience: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _default_audience(self) -> AuthorizationServerConfig:
        # Okta's own convention: the "default" server's audience is "api://default".
        if self.audience is None:
            self.audience = f"api://{self.id}"
        return self


class ApiConfig(SeedModel):
    identifier: NonEmptyStr
    name: str | None = None
    scopes: list[str] = []
    permissions: list[str] = []
    token_lifetime: Seconds | None = None


class TokenLifetimes(SeedModel):
    access_token: Seconds | None = None
    id_token: Seconds | None = None
    refresh_token: Seconds | None = None
    authorization_code: Seconds | None = None
    device_code: Seconds | None = None


class ClientConfig(SeedModel):
    client_id: NonEmptyStr
    client_secret: NonEmptyStr | None = None
    name: str | None = None
    redirect_uris: list[RedirectUri] = []
    post_logout_redirect_uris: list[RedirectUri] = []
    grant_types: list[GrantType] = ["authorization_code", "refresh_token"]
    response_types: list[ResponseType] = ["code"]
    token_endpoint_auth_method: AuthMethod | None = None
    scopes: list[str] | None = None
    audience: str | None = None

    @property
    def is_public(self) -> bool:
        return self.client_secret is None

    @model_validator(mode="after")
    def _resolve_auth_method(self) -> ClientConfig:
        method = self.token_endpoint_auth_method
        if method is None:
            self.token_endpoint_auth_method = "none" if self.is_public else "client_secret_basic"
        elif self.is_public and method != "none":
            # RFC 6749 §2.1: a public client has no credentials to authenticate with.
            raise issue_at(f"public client (no client_secret) cannot use {method!r}; "
                           "add a client_secret or use 'none'", "token_endpoint_auth_method")
        elif not self.is_public and method == "none":
            raise issue_at("'none' is for public clients, but a client_secret is set; "
                           "remove the secret or pick client_secret_basic/post",
                           "token_endpoint_auth_method")
        return self


class UserConfig(SeedModel):
    username: NonEmptyStr
    password: str
    sub: str | None = None
    claims: dict[str, Any] = {}
    permissions: list[str] | None = None


class TenantConfig(SeedModel):
    path: str | None = None
    flavor: str = "generic"  # a module in mock_idp/flavors/
    display_name: str | None = None
    authorization_server: str | None = None
    authorization_servers: list[AuthorizationServerConfig] = []
    apis: list[ApiConfig] = []
    claims_namespace: str | None = None
    region: str | None = None
    token_lifetimes: TokenLifetimes | None = None
    clients: list[ClientConfig] = []
    users: list[UserConfig] = []

    @field_validator("path")
    @classmethod
    def _normalise_path(cls, path: str | None) -> str | None:
        return None if path is None else normalise_path(path)

    @field_validator("flavor")
    @classmethod
    def _known_flavor(cls, flavor: str) -> str:
        from .flavors import all_flavors  # the registry: one module per persona

        known = sorted(all_flavors())
        if flavor not in known:
            raise ValueError(f"unknown flavor {flavor!r}{suggestion(flavor, known)} "
                             f"(expected one of: {', '.join(known)})")
        return flavor


class SeedConfig(SeedModel):
    tenants: dict[str, TenantConfig]

    @field_validator("tenants")
    @classmethod
    def _at_least_one_tenant(cls, tenants: dict[str, TenantConfig]) -> dict[str, TenantConfig]:
        if not tenants:
            raise ValueError("at least one tenant is required")
        return tenants

    @model_validator(mode="after")
    def _default_paths(self) -> SeedConfig:
        # The default needs the tenant's name, which only the enclosing mapping knows.
        for name, tenant in self.tenants.items():
            if tenant.path is None:
                try:
                    tenant.path = tenant_path(name, None)
                except ValueError:
                    raise issue_at(f"tenant name {name!r} is not usable as a URL path; "
                                   "set 'path'", "tenants", name) from None
        return self


# --- loading --------------------------------------------------------------------------------


def load_config(path: str | Path) -> SeedConfig:
    filename = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(filename, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"not UTF-8 text: {exc}")]) from None
    except OSError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"cannot read: {exc.strerror}")]) from None
    return parse_config(text, filename)


def parse_config(text: str, filename: str = "<string>") -> SeedConfig:
    root, data, duplicated = compose_yaml(text, filename)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else yaml_kind(data)
        issue = ConfigIssue(filename, line_of(root, ()), None,
                            f"expected a mapping with a 'tenants' key at the top level, got {got}")
        raise ConfigError([issue])
    ranked = [(DUPLICATE_KEY, loc, "duplicate key (YAML keeps only the last one)") for loc in duplicated]
    ranked += [(INVALID, loc, message) for loc, message in cross_item_problems(data)]
    try:
        config = SeedConfig.model_validate(data)
    except ValidationError as exc:
        ranked += [translate(error) for error in exc.errors()]
        config = None
    if ranked:
        raise ConfigError(sorted_issues(ranked, root, filename))
    return config


def compose_yaml(text: str, filename: str) -> tuple[Node | None, Any, list[Loc]]:
    """The node tree (for line numbers), the data built from it, and duplicated keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        # Before construction: constructing flattens "<<" merges into the mappings in place,
        # and an overridden merged key would then look like a duplicate.
        duplicated = list(duplicate_keys(root))
        return root, (loader.construct_document(root) if root is not None else None), duplicated
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = ": ".join(part for part in (exc.context, exc.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        where = f" (column {column})" if column else ""
        raise ConfigError([ConfigIssue(filename, line, None, f"invalid YAML{where}: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()


def sorted_issues(ranked: list[tuple[int, Loc, str]], root: Node, filename: str) -> list[ConfigIssue]:
    issues: dict[ConfigIssue, tuple[int, int]] = {}
    for rank, loc, message in ranked:
        # A missing key has no line of its own: point at the mapping that lacks it.
        line = line_of(root, loc[:-1] if rank == MISSING_KEY else loc)
        issue = ConfigIssue(filename, line, dotted(loc), message)
        issues.setdefault(issue, (rank, line or 0))
    return sorted(issues, key=issues.__getitem__)


# --- pydantic errors -> issues ------------------------------------------------------------

EXPECTED = {"string_type": "a string", "int_type": "an integer", "int_parsing": "an integer",
            "int_from_float": "an integer", "bool_type": "true or false",
            "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
            "model_type": "a mapping", "model_attributes_type": "a mapping"}


def translate(error: dict[str, Any]) -> tuple[int, Loc, str]:
    """(rank, loc, message) for one pydantic error, in the words of a YAML author."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx", {})
    if kind == "extra_forbidden":
        return UNKNOWN_KEY, loc, "unknown key" + suggestion(str(loc[-1]), fields_at(loc[:-1]))
    if kind == "missing":
        return MISSING_KEY, loc, "missing required key"
    if kind == "seed_config":
        return INVALID, loc + tuple(ctx["at"]), ctx["message"]
    if kind == "value_error":
        return INVALID, loc, str(ctx["error"])
    if kind == "literal_error":
        choices = [str(choice) for choice in typing.get_args(annotation_at(loc))]
        got = error["input"]
        message = f"unknown value {got!r}, expected {ctx['expected']}"
        return INVALID, loc, message + suggestion(str(got), choices)
    if loc[-1:] == ("[key]",):
        return INVALID, loc[:-1], f"keys must be strings, got {yaml_kind(error['input'])}"
    if kind == "string_too_short":
        return INVALID, loc, "must not be empty"
    if kind == "greater_than":
        return INVALID, loc, f"must be greater than {ctx['gt']}, got {error['input']!r}"
    if kind in EXPECTED:
        return INVALID, loc, f"expected {EXPECTED[kind]}, got {yaml_kind(error['input'])}"
    return INVALID, loc, error["msg"]


def suggestion(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def yaml_kind(value: Any) -> str:
    names = {type(None): "null (an empty value)", bool: "a boolean", int: "an integer",
             float: "a number", str: "a string", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def dotted(loc: Loc) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key


def annotation_at(loc: Loc) -> Any:
    """The type annotation that validates the value at `loc`, or None."""
    annotation: Any = SeedConfig
    for part in loc:
        annotation = unwrap_optional(annotation)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            annotation = field.annotation if field else None
        elif origin in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    return unwrap_optional(annotation)


def unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else annotation
    if typing.get_origin(annotation) is Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def fields_at(loc: Loc) -> list[str]:
    model = annotation_at(loc)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


# --- YAML node tree -------------------------------------------------------------------------


def line_of(root: Node | None, loc: Loc) -> int | None:
    """The line of the deepest node along `loc`: the key's line for a mapping entry."""
    node, line = root, (root.start_mark.line + 1 if root else None)
    for part in loc:
        step = child(node, part)
        if step is None:
            break
        key_node, node = step
        line = (key_node or node).start_mark.line + 1
    return line


def child(node: Node | None, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        # reversed: with a duplicated key, the last one is the one YAML keeps.
        for key_node, value in reversed(node.value):
            if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                return key_node, value
    if isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None


def duplicate_keys(node: Node | None, loc: Loc = (), seen: set[int] | None = None) -> Iterator[Loc]:
    # PyYAML keeps the last of two equal keys without a word; a second "default:" tenant
    # would silently replace the first.
    seen = set() if seen is None else seen
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from duplicate_keys(item, loc + (index,), seen)
    if isinstance(node, MappingNode):
        names: set[str] = set()
        for key_node, value in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if name is not None and name in names and name != "<<":
                yield loc + (name,)
            names.add(name)
            yield from duplicate_keys(value, loc + (name,), seen)


# --- cross-item rules, on the raw data ------------------------------------------------------

UNIQUE_PER_TENANT = (("clients", "client_id"), ("users", "username"),
                     ("authorization_servers", "id"), ("apis", "identifier"))


def cross_item_problems(data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    tenants = data.get("tenants")
    if not isinstance(tenants, dict):
        return
    yield from path_clashes(tenants)
    for name, tenant in tenants.items():
        for field, key in UNIQUE_PER_TENANT:
            items = tenant.get(field) if isinstance(tenant, dict) else None
            yield from duplicates(items, key, ("tenants", name, field))


def duplicates(items: Any, key: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    first: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue  # pydantic reports the wrong type
        if value in first:
            yield loc + (index, key), f"duplicate {key} {value!r} (also {loc[-1]}[{first[value]}])"
        first.setdefault(value, index)


def path_clashes(tenants: dict[Any, Any]) -> Iterator[tuple[Loc, str]]:
    # Tenants are mounted by path: two on one path would make one of them unreachable.
    owners: dict[str, Any] = {}
    for name, tenant in tenants.items():
        raw = tenant.get("path") if isinstance(tenant, dict) else None
        if raw is not None and not isinstance(raw, str):
            continue  # pydantic reports the wrong type
        try:
            path = tenant_path(str(name), raw)
        except ValueError:
            continue  # pydantic reports the invalid path
        if path in owners:
            yield ("tenants", name, "path"), f"path {path!r} is already used by tenant {owners[path]!r}"
        owners.setdefault(path, name)
