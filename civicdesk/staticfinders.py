"""The project's static files finder: Django's, less one file of a package."""

from collections.abc import Iterable, Iterator

from django.contrib.staticfiles import finders
from django.core.files.storage import Storage

# The minified marker clustering of xstatic-leaflet-markercluster names a source map the
# package does not ship, which the hashed-names storage refuses at collectstatic. The pages use
# its unminified twin (`leaflet.markercluster-src.js`, compressed like every static file),
# whose map is there.
SKIPPED = ["leaflet.markercluster.js"]


class FileSystemFinder(finders.FileSystemFinder):
    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Storage]]:
        return super().list([*(ignore_patterns or []), *SKIPPED])
