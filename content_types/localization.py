"""Content languages: one Wagtail locale per language in settings, each a mirror
of the Vietnamese tree until its pages are translated.

wagtail-localize keeps a locale's tree synchronised from Vietnamese (its
``LocaleSynchronization``): every page gets an alias there, replaced by a real
translation when a translator finishes one. Aliases are what the API serves as
the Vietnamese fallback.
"""

import polib
from django.db import transaction
from wagtail import hooks
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale, Page
from wagtail_localize import synctree
from wagtail_localize.models import LocaleSynchronization, Translation, TranslationSource


def default_locale():
    return Locale.get_default()


@transaction.atomic
def ensure_locales():
    """A locale per content language in settings, each synchronised from Vietnamese.

    Safe to re-run; a new language's tree is mirrored when its locale is made.
    Returns the locales that were created.
    """
    default = default_locale()
    created = []
    for code in get_content_languages():
        locale, is_new = Locale.objects.get_or_create(language_code=code)
        if is_new:
            created.append(locale)
        if locale.pk != default.pk:
            # Saving the synchronisation mirrors the existing tree (wagtail-localize).
            LocaleSynchronization.objects.get_or_create(
                locale=locale, defaults={"sync_from": default}
            )
    return created


def mirror_into_locales(page):
    """Mirror a page made outside the admin (provisioning, code) into the
    synchronised locales, as wagtail-localize does for pages made in the admin."""
    synchronisations = LocaleSynchronization.objects.filter(sync_from_id=page.locale_id)
    for sync in synchronisations.select_related("locale"):
        if not page.has_translation(sync.locale):
            page.copy_for_translation(sync.locale, copy_parents=True, alias=True)


def mirror_created_page(request, page):
    """``after_create_page``: mirror a page made in the admin, unless already mirrored.

    Creating and publishing in one step publishes before this hook runs, and
    the ``page_published`` handler has then mirrored the page already;
    wagtail-localize's own hook would copy it a second time and fail (500).
    """
    mirror_into_locales(page)


def replace_localize_create_hook():
    """Put ``mirror_created_page`` in the place of wagtail-localize's
    ``after_create_page`` hook. Wagtail has no call to unregister a hook, so the
    registry's entry is swapped; called once from ``AppConfig.ready()``."""
    registered = hooks._hooks.get("after_create_page", [])
    hooks._hooks["after_create_page"] = [
        (mirror_created_page if fn is synctree.after_create_page else fn, order)
        for fn, order in registered
    ]


def source_page(page):
    """The Vietnamese page a page translates or mirrors (itself when it is Vietnamese)."""
    if page.locale_id == default_locale().pk:
        return page
    return (
        Page.objects.filter(translation_key=page.translation_key, locale=default_locale())
        .specific()
        .first()
        or page
    )


def synchronise_trees():
    """Mirror pages made outside the admin since the last run (imports, seeding)
    into every synchronised locale. Safe to re-run; returns how many locales."""
    synchronisations = list(LocaleSynchronization.objects.select_related("locale", "sync_from"))
    if synchronisations:
        index = synctree.PageIndex.from_database().sort_by_tree_position()
        for sync in synchronisations:
            synctree.synchronize_tree(sync.sync_from, sync.locale, page_index=index)
    return len(synchronisations)


def translate_with(instance, locale, strings, *, user=None, publish=True):
    """Translate a page or snippet with ``strings`` ({source text: translation}),
    as a translator's PO upload does; strings not given keep the source text.

    Returns wagtail-localize's ``Translation``, which translators continue in
    its editor.
    """
    source, created = TranslationSource.get_or_create_from_instance(instance)
    if not created:
        source.update_from_db()
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = translation.export_po()
    for entry in po:
        if entry.msgid in strings:
            entry.msgstr = strings[entry.msgid]
    translation.import_po(polib.pofile(str(po)), user=user)
    translation.save_target(user=user, publish=publish)
    return translation
