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
    """Nested deeper than MAX_DEPTH? Walked level by level, not by recursion (for the same reason);
    ~0.1 s for the worst 1 MiB body (350,000 empty arrays), half what parsing it takes."""
    level, depth = [data], 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return True
        below: list = []
        for value in level:
            if type(value) is dict:
                children = value.values()
            elif value and type(value[0]) is tuple:  # an object read with object_pairs_hook: (key, value)s
                children = [pair[1] for pair in value]
            else:
                children = value
            below += [child for child in children if type(child) in (dict, list)]
        level = below
    return False
