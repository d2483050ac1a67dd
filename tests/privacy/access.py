"""Going through the one-time code step as a client would, for tests of the pages behind it."""

from django.urls import reverse

from consultations.models import DataAccessCode
from consultations.tokens import consultation_token


def prove_its_them(client, consultation, token=None):
    """Ask for a code, read it as the email would carry it, and enter it. Returns the token used."""
    token = token or consultation_token(consultation)
    url = reverse("consultations:access_code", kwargs={"token": token})
    client.post(url, {"send": "1", "after": "my_data"})
    code = DataAccessCode.objects.filter(consultation=consultation).latest("created_at").code
    response = client.post(url, {"code": code, "after": "my_data"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return token
