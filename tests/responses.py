"""What a page answered: its status, and the phrases it says and must not say, checked in one call."""


def assert_page(response, status=200, *, says=(), leaves_out=()):
    """Check the page's status and phrases, naming the phrases at fault rather than printing the page; its HTML."""
    html = response.content.decode()
    assert response.status_code == status, f"the page answered {response.status_code}, not {status}"
    missing = [phrase for phrase in says if phrase not in html]
    assert not missing, f"the page doesn't say {missing}"
    present = [phrase for phrase in leaves_out if phrase in html]
    assert not present, f"the page says {present}"
    return html
