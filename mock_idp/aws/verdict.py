"""A rule's outcome and a token's verdict: the shapes every check in mock_idp.aws returns."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Rule:
    """One check: its name, whether it passed, why (one line) and, when it failed, the fix."""

    name: str
    ok: bool
    reason: str
    fix: str = ""


def passed(name: str, reason: str) -> Rule:
    return Rule(name, True, reason)


def failed(name: str, reason: str, fix: str) -> Rule:
    return Rule(name, False, reason, fix)


@dataclass
class Verdict:
    """What a consumer decides about one token: every rule it applied and what it would pass on."""

    consumer: str
    rules: list[Rule] = field(default_factory=list)
    header: dict | None = None
    claims: dict | None = None
    identity: dict | None = None

    @property
    def accepted(self) -> bool:
        return bool(self.rules) and all(rule.ok for rule in self.rules)

    @property
    def failures(self) -> list[Rule]:
        return [rule for rule in self.rules if not rule.ok]

    def add(self, rule: Rule) -> bool:
        self.rules.append(rule)
        return rule.ok

    def as_dict(self) -> dict:
        return {"consumer": self.consumer, "accepted": self.accepted,
                "rules": [asdict(rule) for rule in self.rules], "header": self.header,
                "claims": self.claims, "identity": self.identity if self.accepted else None}
