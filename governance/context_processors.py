from django.conf import settings

from governance.security.personal import reveals_for


def site(request):
    # can_reveal.<key>: may this user ask for the full value of that personal field (PIPL).
    return {"SITE_NAME": settings.SITE_NAME, "can_reveal": reveals_for(getattr(request, "user", None))}
