"""Residence-place registrations for the home branch's secretary
(``branches.residence``).

``GET /api/branches/<id>/residence/``: the branch's members registered with
another branch (outgoing, which its secretary manages) and other branches'
members registered here (incoming, read-only), with their dates.
``POST`` registers a member of the branch with a residence branch (its id
or code); ``POST …/residence/<registration>/end/`` ends it. Only the
secretaries of the member's own branch act; the residence branch sees its
incoming members but cannot change or end their registration (404).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from branches import residence
from branches.models import ResidenceRegistration
from editorial.models import Member, Unit

from .branches import UNIT, BranchView, bad_input, secretary_branch, unit_json

REGISTRATION = inline_serializer(
    "ResidenceRegistration",
    {
        "id": serializers.IntegerField(),
        "member": serializers.IntegerField(),
        "member_name": serializers.CharField(),
        "home_branch": UNIT,
        "residence_branch": UNIT,
        "started_on": serializers.DateField(),
        "ended_on": serializers.DateField(
            allow_null=True, help_text="The last day on the residence branch's roll."
        ),
        "current": serializers.BooleanField(),
    },
)
REGISTRATIONS = inline_serializer(
    "BranchResidence",
    {
        "outgoing": REGISTRATION.__class__(
            many=True, help_text="The branch's members registered with another branch."
        ),
        "incoming": REGISTRATION.__class__(
            many=True, help_text="Other branches' members registered here (read-only)."
        ),
    },
)


def registration_json(item, current_ids):
    return {
        "id": item.pk,
        "member": item.member_id,
        "member_name": item.member.full_name,
        "home_branch": unit_json(item.member.branch),
        "residence_branch": unit_json(item.branch),
        "started_on": item.started_on,
        "ended_on": item.ended_on,
        "current": item.pk in current_ids,
    }


def _registrations():
    return ResidenceRegistration.objects.select_related("member__branch", "branch").order_by(
        "-started_on", "-pk"
    )


class RegisterSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    residence_branch = serializers.CharField(
        max_length=64, help_text="The residence branch's unit id or code."
    )


def residence_unit(value):
    """The unit named by its id or code, or a 400 naming the field."""
    found = Unit.objects.filter(code=value).first()
    if found is None and value.isdigit() and int(value) < 2**31:
        found = Unit.objects.filter(pk=int(value)).first()
    if found is None:
        raise bad_input("residence_branch", _("No branch has this id or code."))
    return found


class ResidenceView(BranchView):
    """GET: the branch's outgoing and incoming registrations (latest 200 of
    each). POST: register a member of the branch with a residence branch."""

    @extend_schema(responses=REGISTRATIONS)
    def get(self, request, branch_id):
        branch = secretary_branch(self, branch_id)
        outgoing = list(_registrations().filter(member__branch=branch)[:200])
        incoming = list(_registrations().filter(branch=branch)[:200])
        current = set(
            ResidenceRegistration.objects.current()
            .filter(pk__in=[item.pk for item in outgoing + incoming])
            .values_list("pk", flat=True)
        )
        return Response(
            {
                "outgoing": [registration_json(item, current) for item in outgoing],
                "incoming": [registration_json(item, current) for item in incoming],
            }
        )

    @extend_schema(request=RegisterSerializer, responses={201: REGISTRATION})
    def post(self, request, branch_id):
        branch = secretary_branch(self, branch_id)
        data = self.valid(RegisterSerializer)
        target = Member.objects.filter(pk=data["member"], branch=branch).first()
        if target is None:
            raise bad_input("member", _("Choose an active member of this branch."))
        unit = residence_unit(data["residence_branch"].strip())
        made = residence.register_residence(self.member, target, unit)
        made = _registrations().get(pk=made.pk)
        current = set(
            ResidenceRegistration.objects.current().filter(pk=made.pk).values_list("pk", flat=True)
        )
        return Response(registration_json(made, current), status=status.HTTP_201_CREATED)


class ResidenceEndView(BranchView):
    """The home branch's secretary ends a registration: the member is off the
    residence branch's roll from today."""

    @extend_schema(request=None, responses=REGISTRATION)
    def post(self, request, branch_id, registration_id):
        branch = secretary_branch(self, branch_id)
        item = get_object_or_404(_registrations(), pk=registration_id, member__branch=branch)
        item = residence.end_residence(self.member, item)
        return Response(registration_json(item, set()))
