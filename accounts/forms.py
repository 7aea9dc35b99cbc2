from allauth.account.forms import SignupForm as AllauthSignupForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the e-mail length limited to what we store
    (otherwise PostgreSQL would refuse an over-long address with a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.max_length = 254
        field.widget.attrs["maxlength"] = 254
        field.validators.append(
            MaxLengthValidator(254, message=_("Een e-mailadres kan hoogstens 254 tekens lang zijn."))
        )
