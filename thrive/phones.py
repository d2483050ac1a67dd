"""Phone numbers as people read and tap them."""

from phonenumber_field.phonenumber import to_python


def phone_written(phone):
    """A phone number as people write it: 206-555-0123 for a US number, the international form otherwise."""
    if not phone:
        return ""
    if phone.country_code == 1:
        digits = str(phone.national_number)
        if len(digits) == 10:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return phone.as_international


def phone_href(phone):
    """A tel: link for a stored number or one typed as text (in the practice's region); "" if it can't be dialled."""
    phone = to_python(phone)
    return f"tel:{phone.as_e164}" if phone and phone.is_valid() else ""
