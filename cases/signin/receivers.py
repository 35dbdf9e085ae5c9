"""Sessions follow the account: connected in CasesConfig.ready().

Not business rules but the session store kept true to the accounts: a deactivated account, or an app
removed from an account (a lost or stolen phone), ends every session of that user at once, whichever
way the change was made (the admin, a service, the shell). A changed password already ends the other
sessions through Django's session hash (checked on every request)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import sessions


@receiver(user_logged_in, dispatch_uid="signin_started")
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.started(request)


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    sessions.end_sessions_of(instance.pk)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="signin_app_removed")
def _app_removed(sender, instance, **kwargs):
    if instance.confirmed:
        sessions.end_sessions_of(instance.user_id)


def connect():
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="signin_user_saved")
