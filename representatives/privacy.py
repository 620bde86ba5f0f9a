"""Masking of personal data for everyone who is not authorised to see it in full."""


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}" if len(digits) > 7 else f"{digits[:3]}****"


def mask_id_number(id_number: str) -> str:
    value = id_number.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_address(address: str) -> str:
    return f"{address[:6]}…" if len(address) > 6 else "***" if address else ""


def handler_contact(deputy) -> dict[str, str]:
    """How a handling unit's clerk reaches a suggestion's lead deputy before handling it (办前沟通): the phone in
    full, published or not, and the e-mail.

    Only for the clerks of a unit that is handling the deputy's suggestion, for as long as its part is open
    (``suggestions.deputy_contact``), and every showing is logged (``audit.record_contact_shown``); every
    other role keeps the rules above.
    """
    return {"phone": deputy.phone, "email": deputy.email}
