"""What a seeding run did, and the tables ``seed_demo`` prints from it."""

from dataclasses import dataclass, field


@dataclass
class PhaseResult:
    name: str
    created: int = 0
    existing: int = 0
    seconds: float = 0.0


@dataclass
class Login:
    username: str
    password: str
    role: str
    unit: str
    note: str = ""


@dataclass
class SeedReport:
    phases: list[PhaseResult] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    refused: list[Login] = field(default_factory=list)

    @property
    def seconds(self):
        return sum(phase.seconds for phase in self.phases)

    @property
    def created(self):
        return sum(phase.created for phase in self.phases)

    @property
    def existing(self):
        return sum(phase.existing for phase in self.phases)


def format_table(headers, rows):
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


def format_report(report, base_url="http://127.0.0.1:8000/admin/"):
    phases = format_table(
        ["phase", "created", "existing", "seconds"],
        [
            [p.name, p.created, p.existing, f"{p.seconds:.1f}"]
            for p in [
                *report.phases,
                PhaseResult("total", report.created, report.existing, report.seconds),
            ]
        ],
    )
    logins = format_table(
        ["username", "password", "role", "unit"],
        [[x.username, x.password, x.role, x.unit] for x in report.logins],
    )
    parts = [phases, "", f"Sign in at {base_url} with:", "", logins]
    if report.refused:
        refused = format_table(
            ["username", "password", "status", "unit"],
            [[x.username, x.password, x.note, x.unit] for x in report.refused],
        )
        parts += ["", "These records keep their password but cannot sign in:", "", refused]
    if not report.created:
        parts.insert(0, "Demo data already complete: nothing was created.\n")
    return "\n".join(parts)
