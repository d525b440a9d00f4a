"""Three of the explorer's columns written as Wagtail's HTML without templates.

Fifty rows of a news list render each cell through one to three templates;
for the page's status, its date and the link to its children that is a
fifth of the explorer's time at city scale. These columns write the same HTML
directly (``tests/editorial/test_explorer_columns.py`` compares it with
Wagtail's); their headers, names and sorting are Wagtail's. The texts are
Wagtail's own messages, translated by its catalogue.
"""

import datetime

from django.template.defaultfilters import capfirst, date
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.ui.tables.pages import NavigateToChildrenColumn, PageStatusColumn

from .explorer_buttons import icon_html

# Wagtail's msgids (kept out of makemessages' reach: they are not ours to translate).
WAGTAIL_TEXT = {
    "status": "Current page status:",
    "visit": "Visit the live page",
    "explore": "Explore child pages of '%(title)s'",
    "add": "Add a child page to '%(title)s'",
}


def wagtail_text(key, **values):
    text = gettext(WAGTAIL_TEXT[key])
    if values:
        # As {% blocktrans %}: the values escaped, the translation trusted.
        text = text % {name: format_html("{}", value) for name, value in values.items()}
    return mark_safe(text)


def cell(column, content, classname=None):
    classname = classname if classname is not None else column.classname
    if classname:
        return format_html('<td class="{}">{}</td>', classname, content)
    return format_html("<td >{}</td>", content)


class DirectStatusColumn(PageStatusColumn):
    """Wagtail's "Status" cell: live (a link to the page where it has a URL) or draft."""

    def render_cell_html(self, instance, parent_context):
        label, hidden = instance.status_string, wagtail_text("status")
        url = instance.get_url(request=parent_context.get("request")) if instance.live else None
        if url is not None:
            tag = format_html(
                '<a href="{}" class="w-status w-status--primary" title="{}" '
                'target="_blank" rel="noreferrer"><span class="w-sr-only">{}</span> {}</a>',
                url,
                wagtail_text("visit"),
                hidden,
                label,
            )
        else:
            classname = "w-status w-status--primary" if instance.live else "w-status"
            tag = format_html(
                '<span class="{}"><span class="w-sr-only">{}</span> {}</span>',
                classname,
                hidden,
                label,
            )
        return cell(self, tag)


class DirectDateColumn(DateColumn):
    """Wagtail's date cell: how long ago, the full date in a tooltip."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return cell(self, "")
        local = template_localtime(value)
        if isinstance(value, datetime.datetime):
            tooltip = get_format("DATETIME_FORMAT") or "N j, Y, P"
        else:
            tooltip = get_format("DATE_FORMAT") or "N j, Y"
        return cell(
            self,
            format_html(
                '<button type="button" class="w-human-readable-date" data-controller="w-tooltip"'
                ' data-w-tooltip-content-value="{}" data-w-tooltip-placement-value="top">'
                '<time class="w-human-readable-date__date" datetime="{}">{}</time></button>',
                date(local, tooltip),
                date(local, "c"),
                capfirst(timesince_simple(value)),
            ),
        )


class DirectNavigateColumn(NavigateToChildrenColumn):
    """Wagtail's last cell: explore the page's children, or add the first one."""

    def render_cell_html(self, instance, parent_context):
        title = instance.get_admin_display_title()
        if instance.is_navigable():
            url = reverse("wagtailadmin_explore", args=[instance.pk])
            text, icon = "explore", "arrow-right"
        elif instance.permissions_for_user(parent_context["request"].user).can_add_subpage():
            url = reverse("wagtailadmin_pages:add_subpage", args=[instance.pk])
            text, icon = "add", "plus-inverse"
        else:
            return cell(self, "", "no-children")
        label = wagtail_text(text, title=title)
        link = format_html(
            '<a href="{}" title="{}" aria-label="{}">{}</a>',
            url,
            label,
            label,
            icon_html(icon, "default"),
        )
        return cell(self, link, "children" if text == "explore" else "no-children")


DIRECT_KINDS = {
    PageStatusColumn: DirectStatusColumn,
    DateColumn: DirectDateColumn,
    NavigateToChildrenColumn: DirectNavigateColumn,
}


def direct_columns(columns):
    """``columns`` with those written directly in their place (same names,
    labels, sorting and widths)."""
    replaced = []
    for column in columns:
        kind = DIRECT_KINDS.get(type(column))
        if kind is not None:
            column = kind(
                column.name,
                label=column.label,
                accessor=column.accessor,
                classname=column.classname,
                sort_key=column.sort_key,
                width=column.width,
                ascending_title_text=column.ascending_title_text,
                descending_title_text=column.descending_title_text,
            )
        replaced.append(column)
    return replaced
