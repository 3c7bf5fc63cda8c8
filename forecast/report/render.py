"""Layout of the report: HTML sections, Matplotlib figures as SVG, WeasyPrint to an A4 PDF.

Text and tables are HTML, so they end up as real (searchable, copyable) PDF text; figures are
embedded as SVG with their text kept as text (`svg.fonttype = "none"`), in the same font as the
body (DejaVu Sans, which Matplotlib ships and the page template names, including inside the
`@page` margin boxes, which do not inherit the body font). The PDF is written through
`forecast.core.io.atomic_path`: an error or an interrupt leaves the previous file untouched.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from forecast.core.io import atomic_path


@dataclass
class Section:
    """One numbered section; `html` is its body (without the heading)."""

    number: int
    title: str
    html: str
    preamble: str = ""  # shown above the heading (the report's title block on page 1)

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class RenderResult:
    """The written PDF: its path, page count and the page each section starts on (1-based)."""

    path: Path
    pages: int
    section_pages: dict[str, int] = field(default_factory=dict)
    bytes: int = 0


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def figure_svg(fig: Any) -> bytes:
    """The figure as SVG bytes, text kept as text."""
    import matplotlib  # deferred: about 0.3 s to import; the tables and the layout do not need it

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "forecast-report"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def figure_html(fig: Any, caption: str, width: str = "100%") -> str:
    """A <figure> with the SVG embedded as a data URI and a caption (HTML allowed)."""
    data = base64.b64encode(figure_svg(fig)).decode("ascii")
    return (
        f'<figure><img style="width:{width}" alt="figure" src="data:image/svg+xml;base64,{data}">'
        + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>"
    )


def table_html(
    frame: pd.DataFrame,
    numeric: tuple[str, ...] | list[str] = (),
    css_class: str = "",
    cell_class: dict[tuple[int, str], str] | None = None,
    group_starts: set[int] | None = None,
) -> str:
    """An HTML table of `frame` (already formatted as strings); every cell escaped.

    `numeric` columns are right-aligned; `cell_class[(row, column)]` adds a class to one cell;
    rows in `group_starts` get a rule above them.
    """
    cell_class = cell_class or {}
    group_starts = group_starts or set()
    head = "".join(
        f'<th class="num">{esc(c)}</th>' if c in numeric else f"<th>{esc(c)}</th>" for c in frame.columns
    )
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cells = []
        for c in frame.columns:
            classes = [x for x in ("num" if c in numeric else "", cell_class.get((i, c), "")) if x]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{esc(row[c])}</td>")
        tr = ' class="group-start"' if i in group_starts and i > 0 else ""
        rows.append(f"<tr{tr}>{''.join(cells)}</tr>")
    # a short table is kept on one page (a header alone at the foot of a page reads badly)
    classes = " ".join(x for x in (css_class, "keep" if len(frame) <= 8 else "") if x)
    cls = f' class="{classes}"' if classes else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def key_value_html(pairs: list[tuple[str, Any]], css_class: str = "compact") -> str:
    """A two-column table of labels and values."""
    frame = pd.DataFrame([(k, "" if v is None else str(v)) for k, v in pairs], columns=["item", "value"])
    return table_html(frame, css_class=css_class)


def _resource(name: str) -> str:
    return resources.files("forecast.report").joinpath(name).read_text(encoding="utf-8")


def document_html(sections: list[Section], title: str, stamp: str, version: str) -> str:
    """The whole report as one HTML document (the package's template and stylesheet)."""
    body = "\n".join(
        f'<section class="page" id="{s.anchor}">{s.preamble}<h1>{esc(s.heading)}</h1>\n{s.html}\n</section>'
        for s in sections
    )
    return Template(_resource("template.html")).substitute(
        title=esc(title), stamp=esc(stamp), version=esc(version), css=_resource("style.css"),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"), sections=body,
    )


def render_pdf(sections: list[Section], out: str | Path, title: str, stamp: str,
               version: str) -> RenderResult:
    """Lay out the sections with WeasyPrint and write the PDF atomically to `out`.

    Parameters
    ----------
    sections : list of Section
        The report's sections, in order.
    out : str or Path
        The PDF file to write.
    title, stamp, version : str
        The title in every page's header, the line in every page's footer (hashes and seed),
        and the package version in the PDF's metadata.

    Returns
    -------
    RenderResult
        The file written, its page count and size, and the first page of each section.
    """
    import weasyprint  # deferred: about 1.5 s to import; only writing the PDF needs it

    document = weasyprint.HTML(string=document_html(sections, title, stamp, version),
                               base_url=str(Path.cwd())).render()
    section_pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            for s in sections:
                if anchor == s.anchor and s.heading not in section_pages:
                    section_pages[s.heading] = number
    out = Path(out)
    with atomic_path(out) as tmp:
        document.write_pdf(tmp)
    return RenderResult(path=out, pages=len(document.pages), section_pages=section_pages,
                        bytes=out.stat().st_size)
