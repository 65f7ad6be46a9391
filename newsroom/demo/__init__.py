"""Demo content for ``manage.py load_demo``: the launch story of STORY.md
(the shared notes) told in the project's own words, with the records of
the agreements, people and organisations it reports on.

Language: the outlet is Cuban and publishes in Spanish, so everything a reader
reads as its journalism (articles, topic tags, agreement titles and summaries,
people's roles) is Spanish and every article has ``language="es"``. Names the
contract fixes stay as given: the byline "Editorial Team" (STORY.md) and the
sector names from SPEC.md's list, which are the admin's shared vocabulary.
"""
