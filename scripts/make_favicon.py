"""Draw the book's favicon.ico (the two overlapping circles of assets/favicon.svg).

Browsers ask for /favicon.ico at the site root whatever the page says, so the
book serves one (Sphinx copies assets/extra/ to the root of the built site).

    python scripts/make_favicon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 64
image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
draw = ImageDraw.Draw(image)
draw.ellipse((4, 14, 40, 50), fill=(0, 114, 178, 255))          # Okabe-Ito blue
layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
ImageDraw.Draw(layer).ellipse((24, 14, 60, 50), fill=(213, 94, 0, 204))  # vermillion
image = Image.alpha_composite(image, layer)
target = Path(__file__).resolve().parent.parent / "assets" / "extra" / "favicon.ico"
image.save(target, sizes=[(16, 16), (32, 32), (48, 48)])
print(f"wrote {target} ({target.stat().st_size} bytes)")
