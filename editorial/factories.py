"""Factories for tests and demo data (factory_boy)."""

import factory
from django.contrib.auth import get_user_model

from .models import Member, MemberStatus, Unit, UnitLevel


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("secret-pass-123")


def make_unit(code, *, parent=None, level=UnitLevel.BRANCH, name=None, short_name=None):
    """Add a unit under ``parent`` (or as a root): treebeard needs add_root/add_child."""
    fields = {
        "code": code,
        "name": name or f"Unit {code}",
        "short_name": short_name or code[:8],
        "level": level,
    }
    if parent is None:
        return Unit.add_root(**fields)
    parent.refresh_from_db()
    return parent.add_child(**fields)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name", locale="vi_VN")
    status = MemberStatus.OFFICIAL
    card_number = factory.Sequence(lambda n: f"{n:08d}")
