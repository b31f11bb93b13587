"""No admin for the federal-request log: nothing of this app is registered with the Django admin.

The log is open only to its three roles (federal_requests/access.py), superusers excluded: IT
staff administer the system and take no part in the log. An admin page would be a second way
in that skips the role check and the access log (OWASP ASVS 4.0 V4.1.3 least privilege, V4.2.1
no direct object access around the application's own checks). Entries, task forces, the audit
trail and the access log are reached only through the log's own pages, which check the role and
log every view. tests/federal_requests/test_admin_hidden.py fails if a model is registered here.
"""
