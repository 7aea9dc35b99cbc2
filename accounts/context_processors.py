from django.utils.functional import SimpleLazyObject

from accounts.roles import roles_for


def roles(request):
    """``user_roles`` in every template, computed only when a template asks."""
    return {"user_roles": SimpleLazyObject(lambda: roles_for(request.user))}
