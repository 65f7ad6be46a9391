"""The read-only JSON API under /api/v1/ (SPEC.md section 4), in English,
for researchers, partner outlets, apps and fact-checkers.

Built on Django REST framework with drf-spectacular: DRF brings what an
open API needs and a newsroom should not write again (cursor pagination
with stable, opaque cursors; throttles that answer 429 with Retry-After;
errors as JSON), and drf-spectacular describes it as OpenAPI 3.1 at
/api/v1/openapi.json. django-ninja was the other choice: faster to
validate and OpenAPI 3.1 natively, but with no cursor pagination of its
own, and this API's answers are read from the stored documents
(newsroom.stored.documents) rather than validated models, so its speed
would buy little.

Only public records leave here: every article query starts from
``Article.objects.published()``, the rule every reader page uses, and the
records follow their pages' rules (records.py); nothing staff-only (notes
for the desk, editors' names, history) is in any answer. The API is
anonymous: it reads no session and sets no cookie. Its DRF throttle is our
own counter (throttle.py says why DRF's would not do).

The modules: articles.py and records.py say what is public and what each
answer holds; ninjs.py gives an article in the IPTC's News in JSON 2.0;
schemas.py describes the records' answers for the OpenAPI document;
views.py serves them all, with the CSV table and the reference page.
"""
