"""Response headers every page carries that Django has no setting for."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Tell the browser this site never uses the camera, microphone, location and the like."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
