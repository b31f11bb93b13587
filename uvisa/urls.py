from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

# Each package of the cases app keeps its own URLs; names are global (no namespaces).
urlpatterns = [
    path("", include("cases.urls")),
    path("", include("cases.documents.urls")),
    path("", include("cases.accounts.urls")),
    path("", include("cases.reporting.urls")),
    # The federal immigration-agency request log and Sec. 50-105 report (its own app).
    path("federal-requests/", include("federal_requests.urls")),
    path("admin/", admin.site.urls),
]

# A database that does not answer is a 503 that says nothing was saved; other errors the 500 page.
handler500 = "cases.views.health.server_error"
