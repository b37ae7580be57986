"""The app's pages: their sections, titles, icons and addresses (read by app.py's router and by the front page
the server sends for each address, ui.front_page)."""
from __future__ import annotations

# Sections of the navigation, each a list of (file in app_pages/, translation key of its title, icon, URL path).
# URL paths are Vietnamese slugs without diacritics; the Overview is the default page at "/".
NAVIGATION = {
    "nav.situation": [
        ("overview.py", "overview.nav", ":material/dashboard:", ""),
        ("map.py", "map.nav", ":material/map:", "ban-do"),
        ("trends.py", "trends.nav", ":material/monitoring:", "dien-bien"),
    ],
    "nav.operations": [
        ("capacity.py", "capacity.nav", ":material/local_hospital:", "nang-luc"),
        ("checkpoints.py", "checkpoints.nav", ":material/share_location:", "chot-kiem-soat"),
        ("response.py", "response.nav", ":material/contact_phone:", "truy-vet"),
    ],
    "nav.briefing": [
        ("briefing.py", "briefing.nav", ":material/slideshow:", "trinh-chieu"),
    ],
    "nav.data": [
        ("data_entry.py", "ingest.nav", ":material/upload_file:", "nhap-lieu"),
    ],
}


def slugs() -> list[str]:
    """Every page's URL path, the Overview's "" first."""
    return [slug for pages in NAVIGATION.values() for *_, slug in pages]
