"""The WSGI entry (``gonghui serve`` runs it under granian); refuses unfit keys in one line."""

import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
if settings.KEY_REFUSAL:
    sys.exit(settings.KEY_REFUSAL)
application = get_wsgi_application()
