from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ScopeAwareModelBackend(ModelBackend):
    """The usual model backend; the signed-in user comes with their B/D, which every scope check reads."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("org_unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
