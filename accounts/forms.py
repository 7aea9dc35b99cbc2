from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.webauthn.forms import AddWebAuthnForm, AuthenticateWebAuthnForm, ReauthenticateWebAuthnForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the e-mail length limited to what we store
    (otherwise PostgreSQL would refuse an over-long address with a 500), and as
    slow for a known address as for a new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.max_length = 254
        field.widget.attrs["maxlength"] = 254
        field.validators.append(
            MaxLengthValidator(254, message=_("Een e-mailadres kan hoogstens 254 tekens lang zijn."))
        )

    def try_save(self, request):
        # With ACCOUNT_PREVENT_ENUMERATION allauth answers a known address with the
        # same page and mails the owner instead, but skips the costly part of a new
        # account: hashing the password (about 300 ms with PBKDF2). Hash it anyway and
        # throw it away, so the answer takes as long (benchmarks/signup_timing.py).
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


# What a browser sends back from a security key is JSON of a fixed shape; allauth parses
# it with fido2 and catches only some of the errors a malformed answer raises (a missing
# "rawId" is a KeyError, hence a 500). A malformed answer is a form error here.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class KeyAnswerField(forms.JSONField):
    """The hidden field with the browser's answer: JSON of at most 64 kB, and deeply
    nested brackets are invalid input (json.loads would raise RecursionError: a 500)."""

    MAX_LENGTH = 64 * 1024

    def to_python(self, value):
        if isinstance(value, str) and len(value) > self.MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": "…"})
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": "…"}) from None

    def bound_data(self, data, initial):
        # Shown again in the page after an error: not parsed again (the same RecursionError).
        if isinstance(data, str) and (len(data) > self.MAX_LENGTH or data.count("[") + data.count("{") > 100):
            return None
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return None


def _safe_credential(form) -> None:
    form.fields["credential"] = KeyAnswerField(required=True, widget=forms.HiddenInput)


def _as_form_error(check):
    try:
        return check()
    except _MALFORMED:
        raise get_mfa_adapter().validation_error("incorrect_code") from None


class SecurityKeyAnswerForm(AuthenticateWebAuthnForm):
    """allauth's second step with a security key (login), refusing a malformed answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _safe_credential(self)

    def clean_credential(self):
        return _as_form_error(super().clean_credential)


class SecurityKeyConfirmForm(ReauthenticateWebAuthnForm):
    """The same for confirming it's you with a security key."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _safe_credential(self)

    def clean_credential(self):
        return _as_form_error(super().clean_credential)


class AddSecurityKeyForm(AddWebAuthnForm):
    """allauth's "add a security key" form with a Dutch label for the name. The
    "passwordless" choice is left out: a key is a second step here, never a login
    without a password (MFA_PASSKEY_LOGIN_ENABLED is off)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Naam van de sleutel")
        self.fields["name"].max_length = 100
        self.fields.pop("passwordless", None)
        _safe_credential(self)

    def clean(self):
        return _as_form_error(super().clean)
