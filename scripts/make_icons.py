"""Draw the app icons of the web manifest (config/pwa.py) from the logo's shapes.

    .venv/bin/python scripts/make_icons.py

Writes static/img/icons/: icon-192.png and icon-512.png (the logo as it is: a rounded
green square), icon-maskable-512.png (a full green square with the houses inside the
safe zone, the centre circle of 80 %, so that any mask a phone puts over it keeps them
whole) and apple-touch-icon.png (180 px, square: iOS rounds the corners itself).

The shapes are those of static/img/logo.svg (a 64 x 64 drawing); keep the two in step.
The PNGs are committed, so nobody needs to run this unless the logo changes. Drawn four
times larger and scaled down, for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "img" / "icons"
GREEN = "#1f5f4a"
WHITE = "#ffffff"
TINT = "#e6f0ec"
YELLOW = "#ffd54a"
SUPERSAMPLE = 4

# The logo's heart: cubic Bézier segments (start, control 1, control 2, end), in logo units.
HEART = [
    ((32, 20), (29, 15), (22, 16), (22.5, 21.5)),
    ((22.5, 21.5), (23, 26), (32, 31), (32, 31)),
    ((32, 31), (32, 31), (41, 26), (41.5, 21.5)),
    ((41.5, 21.5), (42, 16), (35, 15), (32, 20)),
]


def _bezier(p0, p1, p2, p3, steps: int = 24) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * p0[0] + 3 * u**2 * t * p1[0] + 3 * u * t**2 * p2[0] + t**3 * p3[0]
        y = u**3 * p0[1] + 3 * u**2 * t * p1[1] + 3 * u * t**2 * p2[1] + t**3 * p3[1]
        points.append((x, y))
    return points


def draw(size: int, *, rounded: bool, content_scale: float) -> Image.Image:
    """The logo at ``size`` px; ``content_scale`` shrinks the houses and heart around the centre."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = big / 64
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * unit, fill=GREEN)
    else:
        pen.rectangle((0, 0, big, big), fill=GREEN)

    # The drawing's middle (houses 8..56 wide, heart top 15 to doors 50) stays in the middle.
    centre_x, centre_y = 32, 32.5

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            (centre_x + (x - centre_x) * content_scale) * unit,
            (centre_y + (y - centre_y) * content_scale) * unit,
        )

    def polygon(points, fill):
        pen.polygon([at(x, y) for x, y in points], fill=fill)

    def door(x: float, y: float, width: float, height: float):
        (left, top), (right, bottom) = at(x, y), at(x + width, y + height)
        pen.rounded_rectangle((left, top, right, bottom), radius=unit * content_scale, fill=GREEN)

    polygon([(8, 34), (20, 22), (32, 34), (32, 50), (8, 50)], WHITE)
    polygon([(32, 34), (44, 22), (56, 34), (56, 50), (32, 50)], TINT)
    door(15, 39, 8, 11)
    door(41, 39, 8, 11)
    heart = [point for segment in HEART for point in _bezier(*segment)]
    polygon(heart, YELLOW)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {
        "icon-192.png": draw(192, rounded=True, content_scale=1.0),
        "icon-512.png": draw(512, rounded=True, content_scale=1.0),
        # Safe zone: a circle with a radius of 40 % of the size (25.6 logo units) around
        # the centre. A house's bottom corner is 29.7 units from the centre at scale 1;
        # at 0.8 it is 23.8, inside.
        "icon-maskable-512.png": draw(512, rounded=False, content_scale=0.8),
        "apple-touch-icon.png": draw(180, rounded=False, content_scale=0.9),
    }
    for name, image in icons.items():
        image.save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
