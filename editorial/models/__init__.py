"""The organisation tree, its members and its editorial boards.

editorial/ depends on no other project app: the page type it creates as a
unit's home page is named by the EDITORIAL_UNIT_HOME_PAGE_MODEL setting.
"""

from .boards import BoardGroup, BoardMembership, BoardRole, EditorialBoard
from .members import CommitteeRole, CommitteeRoleKind, Member, MemberStatus
from .units import Unit, UnitEvent, UnitLevel, UnitStatus

__all__ = [
    "BoardGroup",
    "BoardMembership",
    "BoardRole",
    "CommitteeRole",
    "CommitteeRoleKind",
    "EditorialBoard",
    "Member",
    "MemberStatus",
    "Unit",
    "UnitEvent",
    "UnitLevel",
    "UnitStatus",
]
