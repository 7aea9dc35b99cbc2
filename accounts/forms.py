from allauth.account.forms import SignupForm as AllauthSignupForm
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
