"""Python's cyclic garbage collector, tuned for a web server.

A page allocates tens of thousands of short-lived objects (template nodes' output, form
fields, model instances). With the default threshold (700 allocations) the collector runs
dozens of times per page, and its full passes over the whole process showed as the slowest
requests (the report form's 95th percentile: 214 ms with the default, 84–119 ms without those
passes, on the demo data). Applied by the WSGI entry point and by the benchmark, which
measures pages as the server runs them."""

import gc

THRESHOLDS = (50_000, 50, 100)


def apply():
    gc.set_threshold(*THRESHOLDS)
    # What the process has loaded so far (Django, the apps, the URL map) lives as long as the
    # process: leave it out of every future full collection.
    gc.freeze()
