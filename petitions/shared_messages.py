"""Messages of the shared modules this app added to core (uploads, rate limit), marked here
so that this app's Vietnamese catalogue carries them until the root catalogue does."""

from django.utils.translation import gettext_noop

SHARED_MESSAGES = (
    gettext_noop("The file “%(name)s” is empty."),
    gettext_noop("The file “%(name)s” is %(size)s; the limit is %(limit)s."),
    gettext_noop(
        "The file “%(name)s” is not a PDF, JPEG, PNG or Word document (its content was checked, not its name)."
    ),
)
