"""Which checklist items apply to a project, and which of them block its gate."""

from dataclasses import dataclass

from adoption.choices import RiskTier
from lifecycle.choices import Applicability, ItemStatus, Requirement

A = Applicability
ELEVATED_TIERS = {RiskTier.LIMITED, RiskTier.HIGH, RiskTier.PROHIBITED}
HIGH_TIERS = {RiskTier.HIGH, RiskTier.PROHIBITED}


@dataclass(frozen=True)
class Profile:
    """A project's profile: its risk tier and the three flags set at screening."""

    tier: str
    generative_ai: bool
    personal_data: bool
    public_facing: bool

    @property
    def flags(self) -> frozenset[str]:
        flags = {A.ALL}
        if self.tier in ELEVATED_TIERS:
            flags.add(A.T2_PLUS)
        if self.tier in HIGH_TIERS:
            flags.add(A.T3)
        if self.generative_ai:
            flags.add(A.GENAI)
        if self.personal_data:
            flags.add(A.PERSONAL_DATA)
        if self.public_facing:
            flags.add(A.PUBLIC_FACING)
        return frozenset(flags)


def requirement(applies: list[str], profile: Profile) -> str:
    """Mandatory when any of the item's flags matches the profile; tier-limited items are
    recommended below that tier, ``rec`` items always; anything else does not apply."""
    flags = set(applies)
    if flags & profile.flags and A.RECOMMENDED not in flags:
        return Requirement.MANDATORY
    if flags & {A.RECOMMENDED, A.T2_PLUS}:
        return Requirement.RECOMMENDED
    return Requirement.NOT_REQUIRED


def applies_to(applies: list[str], profile: Profile) -> bool:
    return requirement(applies, profile) != Requirement.NOT_REQUIRED


def is_blocking(item, profile: Profile) -> bool:
    """An open item that the profile makes mandatory keeps the gate shut."""
    return item.status == ItemStatus.OPEN and requirement(item.template_item.applies, profile) == Requirement.MANDATORY
