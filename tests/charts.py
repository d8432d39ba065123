"""Reading the charts a page embeds (SVG in data URIs) as text, to check what they say."""

import base64
import re


def embedded_svgs(html):
    return [base64.b64decode(data).decode("utf-8") for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]
