"""What editors read: a ChangeSet rendered as text, HTML, JSON and Atom, and a pledge's history.

Imports the ground floor (and storage's plain rows) only: never the ETL's
internals, the application or :mod:`pledgewatch.delivery`.
"""
