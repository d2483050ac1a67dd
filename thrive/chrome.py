"""What every page's header and footer show of the practice: built once per content change."""

from thrive.cache import get_or_build
from thrive.models import SiteSettings
from thrive.structured_data import practice_data


def site_chrome():
    def build():
        site_settings = SiteSettings.get_solo()
        return {"settings": site_settings, "structured_data": practice_data(site_settings)}

    return get_or_build("chrome", build, with_open_times=False)
