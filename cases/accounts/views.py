"""Sign-in with a second factor, re-authentication, sessions, the access log, downloads.

See docs/security.md. The password step is Django's LoginView behind django-axes; the
second factor is django-otp (TOTP, plus single-use recovery codes from the static device).
"""

from __future__ import annotations

from base64 import b32encode
from datetime import datetime, time, timedelta
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.accounts import lockout
from cases.accounts.recovery_codes import code_digest
from cases.accounts.sessions import active_sessions, end_tracked_session, mark_fresh_auth
from cases.audit import log_access
from cases.forms import UswdsForm
from cases.lib.http import client_ip
from cases.lib.pending import has_step_data
from cases.models import AccessLog, UserSession
from cases.permissions import can_read_audit

CODE_FIELD = forms.CharField(
    label=gettext_lazy("Code from your authenticator app, or a recovery code"),
    max_length=16,
    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
)


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _locked(request: HttpRequest, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": username})


def _render_locked(request: HttpRequest) -> HttpResponse:
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=settings.AXES_HTTP_RESPONSE_CODE)


# --- step 1: system-use notice and password ---


class NoticeAuthenticationForm(AuthenticationForm):
    acknowledge = forms.BooleanField(
        label=gettext_lazy("I have read the notice above and agree to its terms."),
        error_messages={"required": "Please acknowledge the system-use notice to continue."},
    )

    def clean_username(self) -> str:
        # Django's AuthenticationForm sets max_length without validating it.
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(_("No account has a user name that long."))
        return username

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username:
            lockout.forget_stale_failures(username)
        return super().clean()


class SignInView(LoginView):
    """The system-use notice (AC-8) stays on the page until acknowledged with the sign-in."""

    form_class = NoticeAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if lockout.address_throttled(request):  # password spraying from one address (C20)
            return render(request, "registration/throttled.html", status=429)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        user = self.request.user
        target = (
            "mfa_verify" if TOTPDevice.objects.filter(user=user, confirmed=True) else "mfa_setup"
        )
        nxt = super().get_success_url()
        return f"{reverse(target)}?next={nxt}"


sign_in_view = login_not_required(SignInView.as_view())


# --- step 2: the second factor ---


class CodeForm(UswdsForm):
    code = CODE_FIELD


def _verify_code(request: HttpRequest, code: str) -> Any:
    """The device that accepts ``code`` (TOTP, or a recovery code, used once), or None.

    A wrong code counts as a failed sign-in for the lockout (C5)."""
    code = "".join(code.split())
    device = django_otp.match_token(request.user, code) if code.isalnum() else None
    if device is None:
        user_login_failed.send(
            sender=__name__, credentials={"username": request.user.get_username()}, request=request
        )
    return device


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("mfa_setup")
    if _locked(request, user.get_username()):
        logout(request)
        return _render_locked(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify_code(request, form.cleaned_data["code"])
        if device is not None:
            _complete_sign_in(request, device)
            return redirect(_safe_next(request))
        if _locked(request, user.get_username()):
            logout(request)
            return _render_locked(request)
        form.add_error("code", _("That code is not valid. Codes change every 30 seconds."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registration/mfa_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=status,
    )


def _complete_sign_in(request: HttpRequest, device: Any) -> None:
    # Only now is the user signed in: the failures stop counting and last_login moves
    # (the password step alone does neither, C5 and C8).
    lockout.second_factor_passed(request.user.get_username())
    update_last_login(None, request.user)
    old_key = request.session.session_key
    request.session.cycle_key()  # a new session identifier once fully signed in (V7.2.4)
    django_otp.login(request, device)
    mark_fresh_auth(request)
    request.session.save()
    moved = UserSession.objects.filter(session_key=old_key, ended_at__isnull=True).update(
        session_key=request.session.session_key, last_seen=timezone.now()
    )
    if not moved:
        UserSession.objects.create(
            user=request.user,
            session_key=request.session.session_key,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _new_recovery_codes(user: Any) -> list[str]:
    device, _unused = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(settings.UVISA_RECOVERY_CODES)]
    # Only keyed hashes are stored (bulk_create sends no pre_save, so hash here).
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code_digest(c)) for c in codes]
    )
    return codes


@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment on first sign-in: scan the key, prove it with a code, keep recovery codes."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('mfa_verify')}?next={_safe_next(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if code.isdigit() and device.verify_token(code):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(user)
            _complete_sign_in(request, device)
            return render(
                request,
                "registration/mfa_recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        form.add_error("code", _("That code does not match. Check the time on your phone."))

    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- re-authentication right before a decision (C2) ---


class ReauthForm(UswdsForm):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput, max_length=4096
    )
    code = CODE_FIELD


@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        if _locked(request, username):
            logout(request)
            return _render_locked(request)
        checked = authenticate(request, username=username, password=form.cleaned_data["password"])
        if checked is None or checked.pk != user.pk:
            form.add_error("password", _("The password is not correct."))
        elif _verify_code(request, form.cleaned_data["code"]) is None:
            form.add_error("code", _("That code is not valid."))
        else:
            mark_fresh_auth(request)
            messages.success(request, _("Confirmed. You can now take the step."))
            return redirect(_safe_next(request))
        if _locked(request, username):
            logout(request)
            return _render_locked(request)
    return render(
        request,
        "registration/reauth.html",
        {
            "form": form,
            "next": _safe_next(request),
            "minutes": settings.UVISA_REAUTH_SECONDS // 60,
            "kept": has_step_data(request),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- sessions: users see and end their own (C19) ---


@require_GET
def my_sessions(request: HttpRequest) -> HttpResponse:
    rows = active_sessions(request.user)
    return render(
        request,
        "registration/sessions.html",
        {"rows": rows, "current": request.session.session_key},
    )


@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    row = UserSession.objects.filter(pk=pk, user=request.user, ended_at__isnull=True).first()
    if row is None:
        raise Http404("No such session.")
    current = row.session_key == request.session.session_key
    end_tracked_session(row.session_key, reason="ended by the user")
    if current:
        logout(request)
        return redirect("login")
    messages.success(request, _("The session was ended."))
    return redirect("my_sessions")


# --- the access log, for auditors (C9, C10) ---


class AccessLogFilter(UswdsForm):
    username = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)
    reference = forms.CharField(
        label=gettext_lazy("Request reference"), required=False, max_length=30
    )
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AccessLog.Action.choices])
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise PermissionDenied(
            _("Only auditors, the coordinator and the Chief read the access log.")
        )
    form = AccessLogFilter(request.GET or None)
    rows = AccessLog.objects.select_related("user")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            rows = rows.filter(username__iexact=data["username"])
        if data["reference"]:
            rows = rows.filter(reference__iexact=data["reference"])
        if data["action"]:
            rows = rows.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            rows = rows.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
        if data["until"]:
            rows = rows.filter(
                at__lt=datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=tz)
            )
    elif form.is_bound:
        rows = rows.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    # The page's rows are read before this reading is logged: otherwise the new row would
    # push the oldest one off a page that holds them all.
    page.object_list = list(page.object_list)
    log_access(request, action=AccessLog.Action.VIEW_ACCESS_LOG, detail=request.GET.urlencode())
    return render(request, "cases/access_log.html", {"form": form, "page": page})
