"""The events that arrive as signals: logins and logouts (Django), lockouts (django-axes), admin
changes (the admin's LogEntry), changes to users and their roles, API tokens issued and revoked.
Connected from GovernanceConfig.ready(). Fixture loading (raw saves) records nothing."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from governance.audit.models import Kind
from governance.audit.services import current_request, record
from governance.security.models import ApiToken

User = get_user_model()

# A change to one of these is a change of what the person may do: recorded as ROLE_CHANGE with the
# values before and after. Other fields are USER_CHANGE with their names only (a phone number or a
# password hash is not copied into the trail).
ROLE_FIELDS = ("role", "zone_id", "community_id", "department_id", "worker_kind", "community_post",
               "is_active", "is_staff", "is_superuser")
USER_FIELDS = ("username", "first_name", "last_name", "email", "phone", "password")
NOT_AUDITED = frozenset({"last_login"})
ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
BEFORE = "_audit_before"


@receiver(user_logged_in, dispatch_uid="governance.audit.login")
def on_login(sender, request, user, **kwargs):
    record(Kind.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="governance.audit.logout")
def on_logout(sender, request, user, **kwargs):
    record(Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="governance.audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    record(Kind.LOGIN_FAILED, request=request, username=(credentials or {}).get("username") or "")


@receiver(user_locked_out, dispatch_uid="governance.audit.lockout")
def on_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    record(Kind.LOCKOUT, request=request, username=username or "", ip_address=ip_address)


@receiver(post_save, sender=LogEntry, dispatch_uid="governance.audit.admin_change")
def on_admin_change(sender, instance: LogEntry, created, raw=False, **kwargs):
    if raw or not created:
        return
    content_type = instance.content_type
    record(
        Kind.ADMIN_CHANGE, actor=instance.user,
        target=f"{content_type.app_label}.{content_type.model}:{instance.object_id}" if content_type else None,
        action=ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
        object_repr=instance.object_repr, change=instance.get_change_message(),
    )


def _watched(user) -> dict:
    return {field: getattr(user, field) for field in (*ROLE_FIELDS, *USER_FIELDS)}


@receiver(pre_save, sender=User, dispatch_uid="governance.audit.user_before")
def remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and set(update_fields) <= NOT_AUDITED):
        return
    before = sender._base_manager.filter(pk=instance.pk).values(*ROLE_FIELDS, *USER_FIELDS).first()
    setattr(instance, BEFORE, before)


@receiver(post_save, sender=User, dispatch_uid="governance.audit.user_after")
def on_user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(Kind.USER_CHANGE, target=instance, action="created",
               **{field: getattr(instance, field) for field in ROLE_FIELDS})
        return
    before = instance.__dict__.pop(BEFORE, None)
    if not before:
        return
    after = _watched(instance)
    roles = {field: [before[field], after[field]] for field in ROLE_FIELDS if before[field] != after[field]}
    others = [field for field in USER_FIELDS if before[field] != after[field]]
    if roles:
        record(Kind.ROLE_CHANGE, target=instance, changes=roles)
    if others:
        record(Kind.USER_CHANGE, target=instance, action="changed", fields=others)


@receiver(post_delete, sender=User, dispatch_uid="governance.audit.user_deleted")
def on_user_deleted(sender, instance, **kwargs):
    record(Kind.USER_CHANGE, target=f"{instance._meta.label_lower}:{instance.pk}", action="deleted",
           deleted_username=instance.get_username())


def _on_membership(relation: str):
    def receiver_(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if reverse:  # e.g. a cell's workers edited from the cell: each user is the target
            for pk in pk_set or ():
                record(Kind.ROLE_CHANGE, target=f"{User._meta.label_lower}:{pk}", changes={relation: action[5:]},
                       related=[instance._meta.label_lower, instance.pk])
            return
        record(Kind.ROLE_CHANGE, target=instance, changes={relation: [action[5:], sorted(pk_set or ())]})
    return receiver_


on_cells_changed = _on_membership("grid_cells")
on_groups_changed = _on_membership("groups")
on_permissions_changed = _on_membership("user_permissions")
m2m_changed.connect(on_cells_changed, sender=User.grid_cells.through, dispatch_uid="governance.audit.cells")
m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid="governance.audit.groups")
m2m_changed.connect(on_permissions_changed, sender=User.user_permissions.through, dispatch_uid="governance.audit.perms")


# Every device token is issued and revoked through governance.security.devices (issue_token,
# revoke_token, whose delete sends post_delete): the rows' signals see each one.
@receiver(post_save, sender=ApiToken, dispatch_uid="governance.audit.token_issued")
def on_token_issued(sender, instance: ApiToken, created, raw=False, **kwargs):
    if created and not raw:
        # The key itself is never written to the trail: the user it belongs to is the target.
        record(Kind.TOKEN_ISSUED, actor=_token_actor(instance), target=f"{User._meta.label_lower}:{instance.user_id}",
               token="api", device=instance.device_name)


@receiver(post_delete, sender=ApiToken, dispatch_uid="governance.audit.token_revoked")
def on_token_revoked(sender, instance: ApiToken, **kwargs):
    record(Kind.TOKEN_REVOKED, actor=_token_actor(instance), target=f"{User._meta.label_lower}:{instance.user_id}",
           token="api", device=instance.device_name)


def _token_actor(token: ApiToken):
    """Who issued or revoked it: the signed-in user (an administrator, or the owner revoking their
    own), else the owner (the token endpoint's login, which has no signed-in user yet)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else token.user
