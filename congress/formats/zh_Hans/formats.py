# Offices write large figures with a comma every three digits (1,169; 3,024,518), as their reports and
# statistical yearbooks do; Django's zh-hans default groups by four with no separator, so intcomma showed
# bare numbers. Everything else falls back to Django's zh-hans formats.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
