from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

# Each package of the cases app keeps its own URLs; names are global (no namespaces).
urlpatterns = [
    path("", include("cases.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.accounts.urls")),
    path("", include("cases.reporting.urls")),
    path("admin/", admin.site.urls),
]
