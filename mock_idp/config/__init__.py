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

from .errors import ConfigError, ConfigIssue
from .fields import RESPONSE_TYPES, check_redirect_uri, normalise_path, tenant_path
from .loading import load_config, parse_config
from .apis import ApiConfig, AuthorizationServerConfig
from .clients import ClientConfig
from .seed import SeedConfig
from .tenant import TenantConfig, TokenLifetimes
from .users import GroupConfig, RoleConfig, UserConfig

__all__ = ["ApiConfig", "AuthorizationServerConfig", "ClientConfig", "ConfigError", "ConfigIssue", "GroupConfig", "RoleConfig",
           "RESPONSE_TYPES", "SeedConfig", "TenantConfig", "TokenLifetimes", "UserConfig",
           "check_redirect_uri", "load_config", "normalise_path", "parse_config", "tenant_path"]
