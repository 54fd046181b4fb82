from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import IdempotentFormMixin

from .models import Role, User


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Username or mobile phone"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
        help_text=_("At least 8 characters, not only digits, not like your name."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not correct."))
        return value

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second:
            if first != second:
                self.add_error("new_password2", _("The two new passwords differ."))
            elif first == data.get("old_password"):
                self.add_error("new_password1", _("Choose a password different from the current one."))
            else:
                try:
                    password_validation.validate_password(first, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return data


class RoleGrantForm(IdempotentFormMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Username or mobile phone"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"}))

    def clean_identifier(self):
        from django.db.models import Q

        value = self.cleaned_data["identifier"].strip()
        user = User.objects.filter(Q(username__iexact=value) | Q(phone=value), is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this username or phone number."))
        self.user = user
        return value
