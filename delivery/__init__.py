"""Getting reports and alerts to editors: messages, the on-disk outbox, SMTP and chat channels.

Takes plain settings and already-worded alerts; it never reads the application's
configuration or health state, which :mod:`pledgewatch.mailing` turns into these values.
"""
