"""Which stored files may be handed out at all, whoever asks.

An uploaded file is served from the media folder (by Django or, in
production, by nginx after ``X-Accel-Redirect``). Only regular files reached
without a symbolic link are: a link planted in the folder, or a link in a
folder above the file, would otherwise hand out whatever it points at.
"""

import os

from django.conf import settings


def safe_local_path(name):
    """The absolute path of the stored file ``name`` when it is a regular file
    inside ``MEDIA_ROOT`` reached without any symbolic link; else None."""
    root = os.path.realpath(settings.MEDIA_ROOT)
    path = os.path.join(root, name)
    if os.path.realpath(path) != os.path.normpath(path) or not path.startswith(root + os.sep):
        return None
    # realpath stops at a link loop: islink catches that last case.
    return path if os.path.isfile(path) and not os.path.islink(path) else None
