"""Supplement B files, letters, the ink original and public verification."""

from __future__ import annotations

from django.urls import path

from cases.documents import views, views_editions

urlpatterns = [
    path(
        "requests/<str:reference>/form/review-copy.pdf",
        views.form_review_pdf,
        name="form_review_pdf",
    ),
    path(
        "requests/<str:reference>/form/review-copy/page-<int:number>.png",
        views.form_review_page,
        name="form_review_page",
    ),
    path("requests/<str:reference>/form/issued.pdf", views.form_issued_pdf, name="form_issued_pdf"),
    path("requests/<str:reference>/form/ink-scan.pdf", views.form_scan_pdf, name="form_scan_pdf"),
    path("requests/<str:reference>/letters/<str:kind>.pdf", views.letter_pdf, name="letter_pdf"),
    path(
        "requests/<str:reference>/letters/issued/<int:letter_id>.pdf",
        views.issued_letter_pdf,
        name="issued_letter_pdf",
    ),
    path(
        "requests/<str:reference>/letters/issued/<int:letter_id>/delivery/",
        views.letter_delivery_record,
        name="letter_delivery_record",
    ),
    path("requests/<str:reference>/form/handover/", views.handover_record, name="handover_record"),
    path(
        "requests/<str:reference>/form/handover/<int:handover_id>/checklist.pdf",
        views.handover_checklist_pdf,
        name="handover_checklist_pdf",
    ),
    path(
        "requests/<str:reference>/form/correction/", views.form_correction, name="form_correction"
    ),
    path(
        "requests/<str:reference>/form/corrected.pdf",
        views.form_corrected_pdf,
        name="form_corrected_pdf",
    ),
    path("verify/", views.verify, name="verify"),
    # A new edition of USCIS's form: load, match, choose, preview, activate.
    path("form-editions/", views_editions.edition_list, name="form_editions"),
    path("form-editions/<int:pk>/", views_editions.edition_detail, name="form_edition"),
    path(
        "form-editions/<int:pk>/assign/", views_editions.edition_assign, name="form_edition_assign"
    ),
    path(
        "form-editions/<int:pk>/activate/",
        views_editions.edition_activate,
        name="form_edition_activate",
    ),
    path(
        "form-editions/<int:pk>/box-<int:index>.png",
        views_editions.edition_box,
        name="form_edition_box",
    ),
    path(
        "form-editions/<int:pk>/preview-<int:number>.png",
        views_editions.edition_preview,
        name="form_edition_preview",
    ),
    path(
        "form-editions/<int:pk>/demo-<int:number>.png",
        views_editions.edition_demo,
        name="form_edition_demo",
    ),
]
