"""The page explorer's "More" menu of each row, written without a template per button.

A unit's news list shows fifty pages, each with a "More" menu of about ten
buttons (edit, view live, move, copy, delete, history, propose, remake
audio...). Wagtail renders every one of them through its own template, then the
menu through two more: about a fifth of the explorer's time at city scale.
Here the menu and its plain buttons are written as the same HTML directly;
any other kind of button (a subclass with its own template or context) is
still rendered by its own ``render_html``. Which buttons a page gets, and
their order, stay Wagtail's and the hooks' (``dropdown_buttons``).

``tests/editorial/test_explorer_buttons.py`` compares the HTML with Wagtail's.
"""

from django.utils.html import format_html, format_html_join
from wagtail.admin.widgets import Button, ButtonWithDropdownFromHook

ICON = '<svg class="icon icon-{} {}" aria-hidden="true"><use href="#icon-{}"></use></svg>'


def icon_html(name, classname="icon"):
    """What Wagtail's ``{% icon name=... classname=... %}`` writes (no title)."""
    return format_html(ICON, name, classname, name)


def is_plain(button):
    """A button Wagtail renders with its default button template, unchanged."""
    return (
        type(button) is Button
        and button.template_name == Button.template_name
        and type(button).get_context_data is Button.get_context_data
    )


def button_html(button, parent_context):
    if not is_plain(button):
        return button.render_html(parent_context)
    icon = icon_html(button.icon_name) if button.icon_name else ""
    if button.url:
        return format_html(
            '<a href="{}" class="{}" {}>{} {}</a>',
            button.url,
            button.classname,
            button.base_attrs_string,
            icon,
            button.label,
        )
    return format_html(
        '<button class="{}" {}>{} {}</button>',
        button.classname,
        button.base_attrs_string,
        icon,
        button.label,
    )


class DirectDropdown(ButtonWithDropdownFromHook):
    """Wagtail's "More" menu of a listed page, written directly."""

    @classmethod
    def replacing(cls, dropdown):
        """This menu with ``dropdown``'s state (its buttons when already loaded)."""
        menu = cls.__new__(cls)
        menu.__dict__.update(dropdown.__dict__)
        return menu

    def render_html(self, parent_context=None):
        if self.template_name != ButtonWithDropdownFromHook.template_name:
            return super().render_html(parent_context)
        label = self.label
        # Wagtail's {% classnames %}: the non-empty names, stripped.
        names = ("w-dropdown__toggle", "" if label else "w-dropdown__toggle--icon", self.classname)
        toggle_classes = " ".join(name.strip() for name in names if name)
        aria_label = self.aria_label
        aria = format_html(' aria-label="{}"', aria_label) if aria_label else ""
        children = format_html_join(
            "", "{}", ((button_html(b, parent_context),) for b in sorted(self.dropdown_buttons))
        )
        return format_html(
            '<div data-controller="w-dropdown" class="w-dropdown" {}>'
            '<button type="button" class="{}" data-w-dropdown-target="toggle"{}>{} {} </button>'
            '<div data-w-dropdown-target="content" class="w-dropdown__content" hidden>{}</div>'
            "</div>",
            self.base_attrs_string,
            toggle_classes,
            aria,
            label,
            icon_html(self.icon_name or "arrow-down", "w-dropdown__toggle-icon"),
            children,
        )


def write_menus_directly(buttons, page=None, user=None, context=None):
    """``construct_page_listing_buttons``: each row's "More" menu is a ``DirectDropdown``."""
    for position, button in enumerate(buttons):
        if type(button) is ButtonWithDropdownFromHook:
            buttons[position] = DirectDropdown.replacing(button)
