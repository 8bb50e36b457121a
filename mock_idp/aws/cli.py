"""`mock-idp check-token` and `mock-idp doctor`, registered on the main typer app.

Exit codes (both): 0 accepted / every consumer fine, 1 rejected / some consumer would fail,
2 unusable input (bad regex, time, CA file or option).
"""

import json
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

UNUSABLE = 2


class Consumer(str, Enum):
    appsync = "appsync"
    cognito_idp = "cognito-idp"


def unusable(message: str) -> typer.Exit:
    typer.echo(f"mock-idp: {message}", err=True)
    return typer.Exit(UNUSABLE)


def parse_time(value: str | None) -> float | None:
    """Epoch seconds or ISO 8601 (`2026-12-01T10:00:00Z`)."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise unusable(f"--at {value!r} is neither epoch seconds nor an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise unusable(f"--at {value!r} has no time zone: add Z or +00:00")
    return moment.timestamp()


def tls_verify(ca: Path | None) -> bool | str:
    if ca is None:
        return True
    if not ca.is_file():
        raise unusable(f"--ca {ca}: no such file")
    return str(ca)


def require_jwt(token: str) -> None:
    """A token that is not a compact JWS at all is unusable input (exit 2), not a consumer's rejection."""
    from .token_rules import parse
    from .verdict import Rule

    parsed = parse(token)
    if isinstance(parsed, Rule):
        raise unusable(f"the token is {parsed.reason}: {parsed.fix}" if token.strip() else
                       f"the token is empty: {parsed.fix}")


def print_rules(rules) -> None:
    width = max((len(rule.name) for rule in rules), default=0)
    for rule in rules:
        typer.echo(f"  {'ok  ' if rule.ok else 'FAIL'} {rule.name:<{width}}  {rule.reason}")
        if not rule.ok and rule.fix:
            typer.echo(f"       {'':<{width}}  fix: {rule.fix}")


def check_token(
    token: Annotated[str, typer.Argument(help="The JWT ('-' reads it from standard input)")],
    for_: Annotated[Consumer, typer.Option("--for", help="Whose rules to apply")],
    issuer: Annotated[str, typer.Option(help="The issuer configured at the consumer")],
    client_id: Annotated[Optional[str], typer.Option(help="AppSync: clientId regex (aud or azp); cognito-idp: the client id (aud)")] = None,
    iat_ttl: Annotated[Optional[int], typer.Option(help="AppSync iatTTL, milliseconds")] = None,
    auth_ttl: Annotated[Optional[int], typer.Option(help="AppSync authTTL, milliseconds")] = None,
    at: Annotated[Optional[str], typer.Option(help="Check as of this time: epoch seconds or ISO 8601")] = None,
    ca: Annotated[Optional[Path], typer.Option(help="CA bundle to trust for https issuers")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON")] = False,
) -> None:
    """Would AppSync (OIDC mode) or a Cognito user pool (OIDC IdP) accept this token? Exit 0 yes, 1 no, 2 bad input."""
    from . import AppSyncConfig, check_appsync, check_cognito_idp

    if token == "-":
        token = sys.stdin.read().strip()
    moment, verify = parse_time(at), tls_verify(ca)
    if for_ is Consumer.appsync:
        try:
            config = AppSyncConfig(issuer, client_id=client_id, iat_ttl_ms=iat_ttl, auth_ttl_ms=auth_ttl)
        except ValueError as error:
            raise unusable(str(error)) from None
        require_jwt(token)
        verdict = check_appsync(token, config, at=moment, verify=verify)
    else:
        if iat_ttl is not None or auth_ttl is not None:
            raise unusable("--iat-ttl and --auth-ttl are AppSync settings; Cognito has none")
        require_jwt(token)
        verdict = check_cognito_idp(token, issuer, client_id=client_id, at=moment, verify=verify)
    if as_json:
        typer.echo(json.dumps(verdict.as_dict(), indent=2))
    else:
        typer.echo(f"{'ACCEPT' if verdict.accepted else 'REJECT'}: {for_.value} with issuer {issuer}")
        print_rules(verdict.rules)
        if verdict.accepted:
            typer.echo("$context.identity:" if for_ is Consumer.appsync else "identity:")
            typer.echo(json.dumps(verdict.identity, indent=2))
    raise typer.Exit(0 if verdict.accepted else 1)


def doctor_command(
    url: Annotated[str, typer.Argument(help="An issuer URL (ours or any provider's)")],
    client: Annotated[Optional[str], typer.Option(help="A client id of this mock_idp tenant to check too")] = None,
    config: Annotated[Optional[Path], typer.Option(help="Seed file the tenant runs (for --client) [env MOCK_IDP_CONFIG]")] = None,
    ca: Annotated[Optional[Path], typer.Option(help="CA bundle to trust for https issuers")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON")] = False,
) -> None:
    """What AppSync, Cognito federation, @okta/jwt-verifier and aws-jwt-verify would reject, with the fix."""
    from . import doctor

    client_rules = None
    if client is not None:
        from ..config import ConfigError
        from ..config.settings import Settings
        from .clients import client_rules as rules_for, find_client

        seed = config or Settings().seed_file  # the one `serve` would read: MOCK_IDP_CONFIG, ./seed_users.yaml, the default
        try:
            found = find_client(Path(seed), url, client)
        except (ConfigError, OSError) as error:
            raise unusable(f"cannot read {seed}: {error}") from None
        client_rules = rules_for(found[1] if found else None, client, Path(seed))
    reports = doctor(url, verify=tls_verify(ca), client_rules=client_rules)
    if as_json:
        typer.echo(json.dumps([report.as_dict() for report in reports], indent=2))
    else:
        for report in reports:
            if report.ok:
                typer.echo(f"{report.consumer}: ok ({len(report.rules)} checks passed)")
            else:
                typer.echo(f"{report.consumer}: WOULD REJECT")
                print_rules([rule for rule in report.rules if not rule.ok])
    raise typer.Exit(0 if all(report.ok for report in reports) else 1)


def register(app: typer.Typer) -> None:
    app.command("check-token")(check_token)
    app.command("doctor")(doctor_command)
