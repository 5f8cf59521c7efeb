"""Text helpers of the one-stop shop."""

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đăng ký khai sinh' → 'dang ky khai sinh'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()
