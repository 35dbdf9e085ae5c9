"""Signing in with a password, and Django's model permissions for the accounts that use the admin."""

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Django's ModelBackend, whose model permissions (user and group permissions) only staff accounts have:
    the administrator's catalogues in the admin. Everyone else's access is the rule set's (`rules`, first in
    AUTHENTICATION_BACKENDS), so for them this backend asks the database nothing: without it every page
    paid two queries for the permissions behind each rule that does not hold (the menu's, the templates'
    `perms`), permissions that no one but staff is ever given."""

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_staff:
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
