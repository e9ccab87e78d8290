"""A check's findings and how ``rules check`` prints them."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import mark, tr, trc
from ..ruleset.model import RuleSet
from ..textwidth import display_width

#: a finding's level as reports show it
LEVELS = {"error": mark("check level", "ERROR"), "warning": mark("check level", "WARNING"),
          "info": mark("check level", "INFO")}


@dataclass(frozen=True)
class Finding:
    """One line of a check.  A warning with ``fails`` False (a name no field declares) is shown but lets the
    check pass: undeclared columns are allowed."""

    level: str  # error | warning | info
    message: str
    fails: bool = True


@dataclass
class CheckReport:
    ruleset: RuleSet
    findings: list[Finding] = field(default_factory=list)
    lang: str = "en"  #: the language of the messages and of :meth:`render`

    @property
    def problems(self) -> list[Finding]:
        """The findings that fail the check (``rules check`` exits 2)."""
        return [f for f in self.findings if f.level == "error" or (f.level == "warning" and f.fails)]

    def add(self, level: str, message: str, *, fails: bool = True) -> None:
        self.findings.append(Finding(level, message, fails))

    def __add__(self, other: CheckReport) -> CheckReport:
        return CheckReport(self.ruleset, self.findings + other.findings, self.lang)

    def render(self) -> str:
        rs, lang = self.ruleset, self.lang
        lines = [tr(lang, "{path}: rule set '{name}', {n} segments, hit policy {policy}", path=rs.display_path,
                    name=rs.name, n=len(rs.segments), policy=rs.hit_policy)]
        for f in self.findings:
            level = trc(lang, "check level", LEVELS[f.level]) if f.level in LEVELS else f.level.upper()  # i18n: marked
            lines.append(f"  {level}{' ' * max(8 - _width(level), 1)}{f.message}")
        n_err = sum(f.level == "error" for f in self.findings)
        n_warn = sum(f.level == "warning" for f in self.findings)
        if self.problems:
            lines.append("  " + tr(lang, "{errors} errors, {warnings} warnings", errors=n_err, warnings=n_warn))
        elif n_warn:
            lines.append("  " + tr(lang, "OK: the check passes; warnings to look at: {warnings}", warnings=n_warn))
        else:
            lines.append("  " + tr(lang, "OK: no problems found"))
        return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return display_width(text)

