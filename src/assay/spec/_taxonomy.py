"""Domain taxonomy: the defaults, custom domains, and turning what people type into canonical names."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from assay.spec._base import SpecModel
from assay.spec._issues import Issue, raise_issues


def _fold(text: str) -> str:
    # Names match ignoring case and runs of spaces: "stem", "General  knowledge".
    return " ".join(text.split()).casefold()


class Domain(SpecModel):
    """A subject area items are routed and reported by, e.g. STEM with Mathematics and Physics."""

    name: str = Field(min_length=1)
    """Display and stored name, e.g. "STEM"; no '/' (it separates domain from subdomain)."""
    description: str = ""
    """What belongs in this domain."""
    subdomains: list[str] = Field(default_factory=list)
    """Finer areas, e.g. ["Mathematics", "Physics"]; unique ignoring case."""

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        value = value.strip()
        if not value or "/" in value:
            raise ValueError(f"expected a non-empty name without '/', got {value!r}")
        return value

    @model_validator(mode="after")
    def _check_subdomains(self) -> Domain:
        issues: list[Issue] = []
        seen: set[str] = set()
        for i, sub in enumerate(self.subdomains):
            if not sub.strip() or "/" in sub:
                issues.append((("subdomains", i), f"expected a non-empty name without '/', got {sub!r}"))
            elif _fold(sub) in seen:
                issues.append((("subdomains", i), f"duplicate subdomain {sub!r}"))
            seen.add(_fold(sub))
        raise_issues(issues)
        self.subdomains = [s.strip() for s in self.subdomains]
        return self


DEFAULT_DOMAINS: tuple[Domain, ...] = (
    Domain(
        name="Reasoning",
        description="Multi-step logical, mathematical-puzzle and planning problems.",
        subdomains=["Logic", "Puzzles", "Planning"],
    ),
    Domain(
        name="General Knowledge",
        description="Everyday facts, places, culture and practical questions.",
        subdomains=["Geography", "Culture", "Everyday Life"],
    ),
    Domain(
        name="STEM",
        description="Science, technology, engineering and mathematics.",
        subdomains=["Mathematics", "Physics", "Chemistry", "Biology", "Computer Science", "Engineering"],
    ),
    Domain(
        name="Humanities",
        description="History, philosophy, literature, law and related fields.",
        subdomains=["History", "Philosophy", "Literature", "Law"],
    ),
)


class Taxonomy(SpecModel):
    """The domains of a project. Defaults to `DEFAULT_DOMAINS`.

    YAML `domains` replace the defaults; with `extend: true` they are added to them (a domain named like
    a default one adds its subdomains to it).
    """

    domains: list[Domain] = Field(default_factory=lambda: [d.model_copy(deep=True) for d in DEFAULT_DOMAINS])
    """Domains in display order; names unique ignoring case."""
    extend: bool = Field(default=False, exclude=True)
    """Input only: merge `domains` into the defaults instead of replacing them; False once merged."""

    @model_validator(mode="after")
    def _check_and_merge(self) -> Taxonomy:
        issues: list[Issue] = []
        if not self.domains:
            issues.append((("domains",), "expected at least one domain"))
        seen: set[str] = set()
        for i, domain in enumerate(self.domains):
            if _fold(domain.name) in seen:
                issues.append((("domains", i, "name"), f"duplicate domain {domain.name!r}"))
            seen.add(_fold(domain.name))
        raise_issues(issues)
        # Merged after validation so that errors point at the domain's index in the file.
        if self.extend:
            self.domains = _merge(list(DEFAULT_DOMAINS), self.domains)
            self.extend = False
        return self

    @property
    def names(self) -> list[str]:
        """Domain names in order."""
        return [d.name for d in self.domains]

    def canonical(self, value: str) -> tuple[str, str | None]:
        """Canonical `(domain, subdomain)` for "STEM", "stem", "STEM / mathematics" or a unique bare "Mathematics"."""
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a domain, got {value!r}; allowed domains: {', '.join(self.names)}")
        head, sep, tail = value.partition("/")
        domain = next((d for d in self.domains if _fold(d.name) == _fold(head)), None)
        if domain is not None and not sep:
            return domain.name, None
        if domain is not None:
            sub = next((s for s in domain.subdomains if _fold(s) == _fold(tail)), None)
            if sub is None:
                allowed = ", ".join(domain.subdomains) or "none"
                raise ValueError(f"unknown subdomain {tail.strip()!r} of {domain.name}; allowed subdomains: {allowed}")
            return domain.name, sub
        if not sep:
            hits = [(d.name, s) for d in self.domains for s in d.subdomains if _fold(s) == _fold(head)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                owners = ", ".join(f"{d}/{s}" for d, s in hits)
                raise ValueError(f"subdomain {head.strip()!r} is ambiguous ({owners}); write it as Domain/Subdomain")
        raise ValueError(f"unknown domain {value.strip()!r}; allowed domains: {', '.join(self.names)}")


def _merge(defaults: list[Domain], own: list[Domain]) -> list[Domain]:
    """Defaults in their order (gaining same-named domains' subdomains and description), then new domains."""
    by_name = {_fold(d.name): d for d in own}
    merged: list[Domain] = []
    for base in defaults:
        extra = by_name.pop(_fold(base.name), None)
        if extra is None:
            merged.append(base.model_copy(deep=True))
            continue
        known = {_fold(s) for s in base.subdomains}
        merged.append(
            Domain(
                name=base.name,
                description=extra.description or base.description,
                subdomains=[*base.subdomains, *(s for s in extra.subdomains if _fold(s) not in known)],
            )
        )
    return [*merged, *by_name.values()]
