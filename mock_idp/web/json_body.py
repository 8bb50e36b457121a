"""JSON from the network (request bodies, a hook's answer), nested no deeper than any API here
takes. Python's parser recurses: a 1 MiB body of `[` raised RecursionError, which no
`except ValueError` caught (a 500), and a body just under the limit parsed, then overflowed the
stack of whatever walked it next (the request log, the audit trail, the token endpoint).

`loads` raises ValueError for both, as json.loads does for any other bad JSON, so each caller's
own error (the vendor's words for "not JSON") answers it."""

import json
from typing import Any

# The deepest body a vendor API takes here is a few levels (Cognito's AuthParameters, Okta's
# profile); a hook's answer a few more. 32 is far above both and far below the stack.
MAX_DEPTH = 32


def loads(raw: bytes | str, **options) -> Any:
    """json.loads, refusing JSON nested deeper than MAX_DEPTH with ValueError."""
    # Each level opens a bracket: a body with fewer brackets than the limit needs no walk.
    brackets = raw.count(b"[" if isinstance(raw, bytes) else "[") + raw.count(b"{" if isinstance(raw, bytes) else "{")
    if brackets <= MAX_DEPTH:
        return json.loads(raw, **options)
    try:
        data = json.loads(raw, **options)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
    if too_deep(data):
        raise ValueError("JSON nested too deep")
    return data


def too_deep(data: Any) -> bool:
    """Nested deeper than MAX_DEPTH? Walked with a list, not recursion, for the same reason."""
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, (list, tuple)):  # tuple: a (key, value) pair of object_pairs_hook
            children = value
        else:
            continue
        depth += not isinstance(value, tuple)
        if depth > MAX_DEPTH:
            return True
        pending.extend((child, depth) for child in children)
    return False
