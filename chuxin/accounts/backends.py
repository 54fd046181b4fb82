from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the mobile phone number, and the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip()
        user = User.objects.filter(Q(username__iexact=identifier) | Q(phone=identifier)).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing doesn't reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
