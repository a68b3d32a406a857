"""The one PNG renderer of every job's picture: a label whose characters no installed font has (a provider id
`PRV-東京`, an emoji) is drawn with those characters escaped (`PRV-\\u6771\\u4eac`), so it stays readable and
distinct, and matplotlib's "Glyph ... missing from font(s)" warnings never reach stderr.

Data ids are user input: the cluster image has DejaVu Sans only, and a box per missing glyph would make
`PRV-東京` and `PRV-大阪` the same label. Any font matplotlib finds for the text's family (its fallback list
included) counts, so installing a CJK font makes the characters themselves appear.
"""

import io
import warnings
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.ticker import Formatter

_MISSING_GLYPH_WARNING = r"Glyph \d+ .*missing from font"


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes, at the figure's own dpi (make the figure at the resolution it is saved at). The
    figure's texts are left as they were."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH_WARNING, category=UserWarning)
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        # No draw is needed before escaping: titles and labels exist, and tick labels come from the formatters, which
        # _escape_missing_glyphs wraps. savefig lays the figure out and renders it once; a draw here only laid it out
        # a second time (a third of a picture's time).
        restore = _escape_missing_glyphs(figure)
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi="figure")
        finally:
            restore()
    return buffer.getvalue()


def escaped(text: str, fonts: tuple[str, ...]) -> str:
    """`text` with every character none of `fonts` (file paths) can draw written as \\uXXXX (\\UXXXXXXXX above
    the BMP)."""
    return "".join(
        char if char.isspace() or any(ord(char) in _charmap(font) for font in fonts) else _escape(char) for char in text
    )


def fonts_for(text: Text) -> tuple[str, ...]:
    """The font files matplotlib would draw `text` with: its family's fallback list."""
    properties = text.get_fontproperties()
    find_all = getattr(font_manager.fontManager, "_find_fonts_by_props", None)  # matplotlib >= 3.6
    if find_all is not None:
        return tuple(str(path) for path in find_all(properties))
    return (str(font_manager.findfont(properties)),)


def _escape_missing_glyphs(figure: Figure):
    """Escapes the texts with missing glyphs, and wraps every axis formatter so redrawn tick labels are escaped
    too; returns the function that puts everything back."""
    undo = []
    for text in figure.findobj(Text):
        original = text.get_text()
        if not original or original.isascii():
            continue
        fonts = fonts_for(text)
        fixed = escaped(original, fonts)
        if fixed != original:
            text.set_text(fixed)
            undo.append(lambda text=text, original=original: text.set_text(original))
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            fonts = fonts_for(axis.get_major_ticks()[0].label1) if axis.get_major_ticks() else ()
            for getter, setter in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                inner = getter()
                setter(_EscapingFormatter(inner, fonts))
                undo.append(lambda setter=setter, inner=inner: setter(inner))
    return lambda: [step() for step in reversed(undo)]


class _EscapingFormatter(Formatter):
    """A tick formatter whose labels are those of `inner`, escaped where the font lacks a glyph."""

    def __init__(self, inner: Formatter, fonts: tuple[str, ...]) -> None:
        self.inner = inner
        self.fonts = fonts

    def _fix(self, label: str) -> str:
        return label if label.isascii() else escaped(label, self.fonts)

    def __call__(self, x, pos=None) -> str:
        return self._fix(self.inner(x, pos))

    def format_ticks(self, values) -> list[str]:
        return [self._fix(label) for label in self.inner.format_ticks(values)]

    def format_data(self, value) -> str:
        return self._fix(self.inner.format_data(value))

    def format_data_short(self, value) -> str:
        return self._fix(self.inner.format_data_short(value))

    def get_offset(self) -> str:
        return self._fix(self.inner.get_offset())

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def set_axis(self, axis) -> None:
        self.inner.set_axis(axis)
        super().set_axis(axis)


@cache
def _charmap(font_path: str) -> frozenset[int]:
    return frozenset(FT2Font(font_path).get_charmap())


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
