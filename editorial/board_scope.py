"""The signed-in user's place on the editorial boards, loaded once per request.

Every board-based check (the rules of ``editorial.permissions``, the admin's
permission policies, other apps' scoping) starts from the user's roles on the
boards of active units. They are read in one query and cached on the user
object, so a request pays for them once however many checks it makes.
"""

from .models import BoardRole, UnitStatus

_CACHE_ATTR = "_editorial_scope_cache"


def is_active_user(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user):
    """Superusers and the platform administrators (the secretariat's board role)."""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return bool(_scope(user)["platform_admin"])


def board_roles(user):
    """``[(role, unit_path, unit_id)]`` of the user's roles on active units' boards.

    Loaded in one query and cached on the user object for the request; every
    board-based check (here and in other apps) reads from it.
    """
    return _scope(user)["roles"] if is_active_user(user) else []


def headed_boards(user):
    """``[(unit_path, unit_id)]`` of the active units whose board the user heads
    (approver role)."""
    return _scope(user)["headed"] if is_active_user(user) else []


def _scope(user):
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = list(
            user.board_memberships.filter(board__unit__status=UnitStatus.ACTIVE).values_list(
                "role", "board__unit__path", "board__unit_id"
            )
        )
        cached = {
            "roles": rows,
            "platform_admin": any(role == BoardRole.PLATFORM_ADMIN for role, _p, _u in rows),
            "headed": [
                (path, unit_id) for role, path, unit_id in rows if role == BoardRole.APPROVER
            ],
        }
        setattr(user, _CACHE_ATTR, cached)
    return cached
