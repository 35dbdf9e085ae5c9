"""Ten years of a generated municipality for the benchmarks (`manage.py seed_bench`, `bench/`).

`organisation` creates the municipality, its teams, staff, hemtjänst directory and catalogues through
the ORM (small, and with their history rows); `cases` generates each case's life as the services would
have recorded it — referral, consent, decision, start, visits, journal, the day-6 meeting, messages and
receipts, measures, the handover and the close, every state change with its case event — and writes it
with PostgreSQL's COPY (`tables`). Nothing here goes through the services: forty thousand cases through
them would take hours. So the old records have no simple-history rows; the case event log is complete.
"""
