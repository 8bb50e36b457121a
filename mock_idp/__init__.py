"""mock_idp: a self-hosted OpenID Connect provider that impersonates Okta, Auth0 and Cognito."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mock-idp-oidc")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
