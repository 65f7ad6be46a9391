"""What a reader's phone downloads to show a page: the first view of an
article on a 375 x 800 screen at device pixel ratio 2, in bytes as
Chromium's network log counts them (``encodedDataLength``: headers and
body as they came over the wire, compressed where the server compressed).

Used by tests/test_page_weight.py (the budget, on the production setup of
the README) and by ``make bench`` (bench/run.py reports it). Images below
the fold are lazy and not loaded by a first view; what the page loads once
it is shown (up to the network going quiet) is counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

PHONE = {"viewport": {"width": 375, "height": 800}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
BUDGET_BYTES = 80_000


@dataclass
class Weight:
    total: int = 0
    by_type: dict = field(default_factory=dict)
    resources: list = field(default_factory=list)  # (url, type, bytes)

    def describe(self) -> str:
        parts = ", ".join(f"{kind} {size / 1000:.1f} KB" for kind, size in sorted(self.by_type.items()))
        return f"{self.total / 1000:.1f} KB ({parts})"


def first_view(browser, url: str, *, headers: dict | None = None) -> Weight:
    """Open ``url`` in a fresh phone-sized context of the Playwright
    ``browser`` (no cache, no cookies) and count every response's bytes."""
    context = browser.new_context(**PHONE, extra_http_headers=headers or {})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        seen: dict[str, tuple[str, str]] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.responseReceived", lambda e: seen.__setitem__(e["requestId"], (e["response"]["url"], e["type"]))
        )
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        weight = Weight()
        by_type: dict[str, int] = defaultdict(int)
        for request_id, size in sizes.items():
            address, kind = seen.get(request_id, ("?", "Other"))
            weight.resources.append((address, kind, size))
            by_type[kind] += size
            weight.total += size
        weight.by_type = dict(by_type)
        return weight
    finally:
        context.close()
