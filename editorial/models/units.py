from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet
from wagtail.models import Page


def path_prefixes(path, steplen=4):
    """The materialized paths of a node and all its ancestors, root first.

    Works for units and pages alike (both use treebeard's steplen of 4)."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    BLOC = "bloc", _("Bloc")
    GRASSROOTS = "grassroots", _("Grassroots")
    BRANCH = "branch", _("Branch")


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged")
    DISSOLVED = "dissolved", _("Dissolved")


class UnitQuerySet(MP_NodeQuerySet):
    def active(self):
        return self.filter(status=UnitStatus.ACTIVE)

    def subtree_of(self, unit, include_self=True):
        """The unit and everything below it, as one indexed prefix filter."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def containing_page(self, page):
        """Units whose home page is the page or one of its ancestors, deepest first.

        A page of another locale's tree sits under the translations of the home
        pages, which share their translation key with them.
        """
        prefixes = path_prefixes(page.path, page.steplen)
        ancestors = Page.objects.filter(path__in=prefixes).values("translation_key")
        return self.filter(home_page__translation_key__in=ancestors).order_by("-home_page__depth")


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A party organisation: province, district or bloc, grassroots unit or branch.

    Stored as a materialized path, like Wagtail's pages, so that "this unit and
    everything below it" is one prefix filter however deep the tree is.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"),
        max_length=32,
        help_text=_("Used in document symbols, e.g. TU, HU, ĐUK."),
    )
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    home_page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("home page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("media collection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UnitManager()

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["level", "status"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status == UnitStatus.ACTIVE

    def home_page_ancestor(self):
        """The nearest unit at or above this one that has a home page."""
        return (
            Unit.objects.filter(path__in=self.ancestor_paths(), home_page__isnull=False)
            .order_by("-depth")
            .first()
        )

    def ancestor_paths(self):
        """This unit's path and its ancestors' paths, root first."""
        return path_prefixes(self.path, self.steplen)


class UnitEvent(models.Model):
    """What happened to a unit: kept so that reorganisations lose no history."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("unit event", "Created")
        MOVED = "moved", pgettext_lazy("unit event", "Moved")
        MERGED = "merged", _("Merged")
        ABSORBED = "absorbed", _("Absorbed another unit")
        DISSOLVED = "dissolved", _("Dissolved")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    other_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    happened_on = models.DateField()
    details = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")

    def __str__(self):
        return f"{self.unit} {self.get_kind_display()} {self.happened_on}"
