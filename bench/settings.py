"""The production settings, plus one URL: the bare Django view the pages are compared with.

Used only by the benchmark (``DJANGO_SETTINGS_MODULE=bench.settings``); nothing else
changes, so the pages run exactly as in production.
"""

from uvisa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
