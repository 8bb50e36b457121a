"""Okta's API error body (errorCode, errorSummary): docs/vendors.md "Okta error bodies", Okta's error-codes reference."""

import secrets
from typing import Any


def api_error(code: str, summary: str, causes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The body of an Okta API error (docs/vendors.md, "Okta error bodies")."""
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + secrets.token_urlsafe(16),
        "errorCauses": [{"errorSummary": cause} for cause in causes],
    }
