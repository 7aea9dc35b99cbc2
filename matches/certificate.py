"""The volunteer's certificate for one year ("Bedankt voor uw inzet in 2026"), as a PDF
drawn with fpdf2 from a :class:`matches.appreciation.YearOverview`.

Text is real text (not an image), so it can be read aloud and searched. Names are free
text ("Zoë van 't Hof-Özdemir", "Łukasz"): with a Unicode TrueType font
(``CERTIFICATE_FONT``, else DejaVu Sans where the system has it) every character is
drawn; without one the PDF's built-in Helvetica is used and characters it cannot draw are
written without their accent (or as "?"), never an error.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from matches.appreciation import YearOverview

logger = logging.getLogger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)


def _font_path() -> Path | None:
    configured = getattr(settings, "CERTIFICATE_FONT", None)
    if configured is not None:
        # An explicit setting (also "" for "use the built-in font").
        path = Path(configured) if configured else None
        return path if path is not None and path.is_file() else None
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


# Letters that Unicode does not decompose into a base letter and an accent.
_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Ħ": "H", "ħ": "h"})


def latin1_text(text: str) -> str:
    """``text`` with only characters the built-in PDF fonts can draw (Windows-1252)."""
    out = []
    for char in text.translate(_NO_DECOMPOSITION):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                stripped.encode("cp1252")
            except UnicodeEncodeError:
                stripped = ""
            char = stripped or "?"
        out.append(char)
    return "".join(out)


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        path = _font_path()
        self.unicode = path is not None
        if path is not None:
            self.add_font("Body", "", str(path))
            bold = path.with_name(path.name.replace(".ttf", "-Bold.ttf"))
            self.add_font("Body", "B", str(bold if bold.is_file() else path))
            self.body_font = "Body"
        else:
            self.body_font = "Helvetica"

    def text_of(self, text: str) -> str:
        return text if self.unicode else latin1_text(text)

    def centred(self, text: str, *, size: float, bold: bool = False, gap: float = 4) -> None:
        self.set_font(self.body_font, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.text_of(text), align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def _logo(pdf: _Certificate, overview: YearOverview) -> bool:
    """Draw the organisation's logo at the top; False when there is none or it cannot be read."""
    logo = overview.organisation.logo
    if not logo:
        return False
    try:
        with logo.open("rb") as handle:
            data = handle.read()
        pdf.image(io.BytesIO(data), x="C", h=25, keep_aspect_ratio=True)
    except Exception:  # noqa: BLE001 - a broken or missing file must not cost the volunteer the certificate
        logger.warning("logo of organisation %s could not be drawn", overview.organisation.pk, exc_info=True)
        return False
    pdf.ln(6)
    return True


def certificate_pdf(overview: YearOverview, *, issued_on, compress: bool = True) -> bytes:
    """The certificate of ``overview`` as PDF bytes. ``compress=False`` leaves the page's
    text readable in the file (for tests)."""
    pdf = _Certificate()
    pdf.set_compression(compress)
    pdf.set_title(pdf.text_of(_("Bedankt voor uw inzet in %(year)s") % {"year": overview.year}))
    pdf.set_author(pdf.text_of(overview.organisation.name))
    pdf.set_creator("Buurtmakelaar")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    _logo(pdf, overview)
    pdf.centred(overview.organisation.name, size=16, bold=True, gap=18)
    pdf.centred(_("Bedankt voor uw inzet in %(year)s") % {"year": overview.year}, size=24, bold=True, gap=10)
    pdf.centred(overview.name, size=20, gap=14)
    pdf.centred(
        _("U hebt in %(year)s %(hours)s uur geholpen als vrijwilliger.")
        % {"year": overview.year, "hours": overview.hours_text},
        size=13,
    )
    pdf.centred(matches_sentence(overview), size=13)
    if overview.kinds:
        pdf.centred(_("Soort hulp: %(kinds)s.") % {"kinds": ", ".join(overview.kinds)}, size=13)
    pdf.ln(8)
    pdf.centred(thank_you_text(overview), size=13, gap=18)
    pdf.centred(overview.organisation.name, size=12, bold=True, gap=2)
    pdf.centred(formats.date_format(issued_on, "j F Y"), size=12)
    return bytes(pdf.output())


def matches_sentence(overview: YearOverview) -> str:
    """ "3 koppelingen: 1 loopt nog, 2 afgerond." in plain words."""
    total = ngettext("%(count)d koppeling", "%(count)d koppelingen", overview.matches_total) % {
        "count": overview.matches_total
    }
    return _("%(total)s: %(active)d liep door, %(ended)d afgerond.") % {
        "total": total,
        "active": overview.matches_active,
        "ended": overview.matches_ended,
    }


def thank_you_text(overview: YearOverview) -> str:
    """The organisation's own thank-you (``volunteers.VolunteerThanks``), else a standard one."""
    from volunteers.selectors import volunteer_thanks_text

    own = volunteer_thanks_text(organisation=overview.organisation)
    if own:
        return own
    return _(
        "Met uw hulp konden mensen in de buurt langer zelf verder. "
        "Daar zijn wij u heel dankbaar voor. Namens %(organisation)s: hartelijk dank!"
    ) % {"organisation": overview.organisation.name}
