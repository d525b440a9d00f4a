"""Importing members, and their users, upserted by username."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone
from django.utils.translation import gettext as _

from ..batching import LOOKUP_CHUNK, chunks
from ..models import Member, MemberStatus, Unit, UnitStatus
from .base import BaseImporter
from .reading import BATCH_SIZE, UPDATE_BATCH_SIZE, ImportResult, Row, RowError


@dataclass
class _MemberPlan:
    row: Row
    user_pk: int | None = None
    branch_id: int | None = None
    email: str = ""
    password: str = ""  # the stored hash
    new_password: bool = False
    member: dict | None = None  # current Member values, None when there is none
    member_changes: list[str] = field(default_factory=list)


class MemberImporter(BaseImporter):
    """Upsert members, and their users, by username."""

    fields = (
        "username",
        "full_name",
        "branch_code",
        "card_number",
        "status",
        "phone",
        "email",
        "password",
    )
    # Many elderly members have no e-mail address, and some no phone.
    required = frozenset({"username", "full_name", "branch_code", "status"})
    optional_columns = frozenset({"card_number", "password"})
    choices = {"status": MemberStatus}
    unstripped = frozenset({"password"})
    _member_values = (
        "pk",
        "user_id",
        "full_name",
        "branch_id",
        "card_number",
        "status",
        "status_since",
        "phone",
    )

    @cached_property
    def model_fields(self):
        user_model = get_user_model()
        return {
            "username": user_model._meta.get_field(user_model.USERNAME_FIELD),
            "email": user_model._meta.get_field("email"),
            "full_name": Member._meta.get_field("full_name"),
            "branch_code": Unit._meta.get_field("code"),
            "card_number": Member._meta.get_field("card_number"),
            "phone": Member._meta.get_field("phone"),
        }

    def check(self, rows):
        errors = []
        for row in self.progress(rows, desc=_("Checking members")):
            errors.extend(self.check_values(row))
        bad = {(error.line, error.field) for error in errors}
        by_username = self.check_unique_key(rows, "username", errors, bad)
        self.check_unique_key(rows, "card_number", errors, bad)

        units = dict(Unit.objects.active().values_list("code", "pk"))
        inactive = set(
            Unit.objects.exclude(status=UnitStatus.ACTIVE).values_list("code", flat=True)
        )
        owner_field = f"user__{get_user_model().USERNAME_FIELD}"
        card_owners = {}
        cards = {row.values["card_number"] for row in rows if row.values["card_number"]}
        for chunk in chunks(cards, LOOKUP_CHUNK):
            card_owners.update(
                Member.objects.filter(card_number__in=chunk).values_list(
                    "card_number", owner_field
                )
            )
        for row in rows:
            branch, card = row.values["branch_code"], row.values["card_number"]
            if branch and (row.line, "branch_code") not in bad and branch not in units:
                if branch in inactive:
                    message = _('unit "%(code)s" has been merged or dissolved') % {"code": branch}
                else:
                    message = _('unknown unit "%(code)s"') % {"code": branch}
                errors.append(RowError(row.line, "branch_code", message))
            owner = card_owners.get(card)
            # A card held by a member who is in the file with another card is
            # being handed over, not clashing.
            clashes = owner not in (None, row.values["username"]) and owner not in by_username
            if clashes and (row.line, "card_number") not in bad:
                message = _('card number "%(card)s" already belongs to member "%(owner)s"')
                message %= {"card": card, "owner": owner}
                errors.append(RowError(row.line, "card_number", message))
        if errors:
            return errors

        file_rows = list(by_username.values())
        self._plans = self._plan(file_rows, units)
        return errors

    def _plan(self, rows, units):
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        users, members = {}, {}
        for chunk in chunks([row.values["username"] for row in rows], LOOKUP_CHUNK):
            found = user_model.objects.filter(**{f"{username_field}__in": chunk})
            users.update(
                (username, (pk, email, password))
                for pk, username, email, password in found.values_list(
                    "pk", username_field, "email", "password"
                )
            )
        for chunk in chunks([pk for pk, _email, _password in users.values()], LOOKUP_CHUNK):
            for values in Member.objects.filter(user_id__in=chunk).values(*self._member_values):
                members[values["user_id"]] = values

        self.result = ImportResult()
        plans = []
        for row in self.progress(rows, desc=_("Comparing members")):
            values = row.values
            plan = _MemberPlan(row)
            plan.branch_id = units[values["branch_code"]]
            changes = []
            if values["username"] in users:
                plan.user_pk, plan.email, plan.password = users[values["username"]]
                if plan.email != values["email"]:
                    changes.append("email")
                # Hashing is slow: only compare when a password is given.
                if values["password"] and not check_password(values["password"], plan.password):
                    plan.new_password = True
                    changes.append("password")
                plan.member = members.get(plan.user_pk)
            if plan.member is not None:
                target = {
                    "full_name": values["full_name"],
                    "branch_code": plan.branch_id,
                    "card_number": values["card_number"] or None,
                    "status": values["status"],
                    "phone": values["phone"],
                }
                current = dict(plan.member, branch_code=plan.member["branch_id"])
                plan.member_changes = [n for n, v in target.items() if current[n] != v]
                changes += plan.member_changes
                if changes:
                    self.result.updated[values["username"]] = changes
                else:
                    self.result.unchanged.append(values["username"])
            else:
                self.result.created.append(values["username"])
            plans.append(plan)
        return plans

    def write(self):
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        today = timezone.localdate()

        new_users = [
            user_model(
                **{username_field: plan.row.values["username"]},
                email=plan.row.values["email"],
                # make_password(None) is an unusable password.
                password=make_password(plan.row.values["password"] or None),
            )
            for plan in self.progress(
                [plan for plan in self._plans if plan.user_pk is None], desc=_("New users")
            )
        ]
        self._bulk(user_model.objects.bulk_create, new_users, _("Creating users"))
        created_pks = {}
        for chunk in chunks([getattr(u, username_field) for u in new_users], LOOKUP_CHUNK):
            found = user_model.objects.filter(**{f"{username_field}__in": chunk})
            created_pks.update(found.values_list(username_field, "pk"))

        user_updates = []
        for plan in self._plans:
            values = plan.row.values
            if plan.user_pk is None:
                plan.user_pk = created_pks[values["username"]]
                continue
            changes = {}
            if plan.email != values["email"]:
                changes["email"] = values["email"]
            if plan.new_password:
                changes["password"] = make_password(values["password"])
            if changes:
                user_updates.append((plan.user_pk, changes))
        self._update(user_model, user_updates, _("Updating users"))

        # Free the card numbers that change hands first, so that swapping two
        # members' cards never meets the unique constraint half-way.
        released = [
            (plan.member["pk"], {"card_number": None})
            for plan in self._plans
            if "card_number" in plan.member_changes and plan.member["card_number"]
        ]
        self._update(Member, released, _("Releasing card numbers"))

        new_members, member_updates = [], []
        for plan in self._plans:
            values = plan.row.values
            target = {
                "full_name": values["full_name"],
                "branch_id": plan.branch_id,
                "card_number": values["card_number"] or None,
                "status": values["status"],
                "phone": values["phone"],
            }
            if plan.member is None:
                new_members.append(Member(user_id=plan.user_pk, **target))
            elif plan.member_changes:
                changes = {
                    name: value for name, value in target.items() if value != plan.member[name]
                }
                if "status" in changes:
                    changes["status_since"] = today
                member_updates.append((plan.member["pk"], changes))
        self._bulk(Member.objects.bulk_create, new_members, _("Creating members"))
        self._update(Member, member_updates, _("Updating members"))

    def _bulk(self, write, objects, desc):
        batches = list(chunks(objects, BATCH_SIZE))
        for batch in self.progress(batches, desc=desc):
            write(batch)

    def _update(self, model, updates, desc):
        """Apply ``(pk, {field: value})`` updates in few queries.

        Rows given the same values (a status or branch change shared by many
        members) share one UPDATE; the rest go through bulk_update, grouped by
        the fields they change, since bulk_update's cost is per field per row.
        """
        same_values = defaultdict(list)
        for pk, changes in updates:
            same_values[tuple(sorted(changes.items()))].append(pk)
        singles = defaultdict(list)
        shared = []
        for items, pks in same_values.items():
            if len(pks) == 1:
                singles[tuple(name for name, _value in items)].append(
                    model(pk=pks[0], **dict(items))
                )
            else:
                shared.extend((dict(items), chunk) for chunk in chunks(pks, LOOKUP_CHUNK))
        for changes, pks in self.progress(shared, desc=desc):
            model.objects.filter(pk__in=pks).update(**changes)
        for fields, objects in singles.items():
            self._bulk(
                lambda batch, fields=fields: model.objects.bulk_update(
                    batch, fields, batch_size=UPDATE_BATCH_SIZE
                ),
                objects,
                desc,
            )
