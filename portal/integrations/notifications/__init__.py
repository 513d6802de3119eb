"""Notifications: one more subscriber of the domain events ("notify"), in-app and by e-mail.

- ``kinds``: the table of who hears what (event → kind → audience → page);
- ``planning``: notifications from events, in the event's transaction; ``services``: from reminders
  and checks (once per person and key), reading them, the daily digests;
- ``subscriber``: plans the e-mail deliveries and sends them (``mailer``: at most once);
- ``messages`` and ``links``: the words and the page of a notification, rendered when shown or sent;
- ``reminders`` (daily), ``partner_faults`` (every few minutes), ``tasks``: the scheduled jobs;
- ``views``, ``selectors``, ``preferences``, ``templatetags.notification_bell``: the bell, the list and
  the e-mail preferences.
"""
